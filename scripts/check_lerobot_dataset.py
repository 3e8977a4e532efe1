#!/usr/bin/env python3
"""Checks a dataset written by `manyworlds record` with pyarrow (and pandas); when they are
installed, loads it through Hugging Face `datasets` as LeRobot does, and with LeRobot's own
`LeRobotDataset`.

    python3 scripts/check_lerobot_dataset.py DIR

Exits non-zero at the first inconsistency; prints what it checked.
"""

import json
import math
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq


def fail(message):
    print(f"FAIL: {message}")
    sys.exit(1)


def check_with_pyarrow(root: Path):
    info = json.loads((root / "meta/info.json").read_text())
    if info["codebase_version"] != "v3.0":
        fail(f"codebase_version {info['codebase_version']}")
    episodes_total, frames_total = info["total_episodes"], info["total_frames"]

    episode_files = sorted((root / "meta/episodes").glob("*/*.parquet"))
    episodes = pa.concat_tables([pq.read_table(p) for p in episode_files])
    episodes = episodes.slice(0, episodes_total).to_pydict()
    if episodes["episode_index"] != list(range(episodes_total)):
        fail("episode_index not 0..total_episodes")
    if sum(episodes["length"]) != frames_total:
        fail("total_frames is not the sum of the lengths")

    data_files = sorted((root / "data").glob("*/*.parquet"))
    frames = pa.concat_tables([pq.read_table(p) for p in data_files]).slice(0, frames_total)
    for key, feature in info["features"].items():
        column = frames.column(key)
        shape = feature["shape"]
        if shape != [1]:
            if not pa.types.is_fixed_size_list(column.type) or column.type.list_size != shape[0]:
                fail(f"{key}: {column.type}, expected a fixed-size list of {shape[0]}")
        elif pa.types.is_list(column.type) or pa.types.is_fixed_size_list(column.type):
            fail(f"{key}: {column.type}, expected a scalar column")
    index = frames.column("index").to_pylist()
    if index != list(range(frames_total)):
        fail("index not 0..total_frames")
    for e, (start, end) in enumerate(zip(episodes["dataset_from_index"], episodes["dataset_to_index"])):
        if set(frames.column("episode_index").slice(start, end - start).to_pylist()) != {e}:
            fail(f"episode {e}'s frames")

    stats = json.loads((root / "meta/stats.json").read_text())
    state = frames.column("observation.state").to_pylist()
    width = len(state[0])
    for j in range(width):
        values = [row[j] for row in state]
        mean = sum(values) / len(values)
        std = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))
        if not math.isclose(stats["observation.state"]["mean"][j], mean, rel_tol=1e-9, abs_tol=1e-12):
            fail(f"stats mean {j}")
        if not math.isclose(stats["observation.state"]["std"][j], std, rel_tol=1e-6, abs_tol=1e-9):
            fail(f"stats std {j}")

    tasks = pq.read_table(root / "meta/tasks.parquet").to_pandas()
    if tasks.index.name != "task" or list(tasks["task_index"]) != [0]:
        fail(f"tasks.parquet as pandas reads it: {tasks}")
    print(
        f"pyarrow: {episodes_total} episodes, {frames_total} frames in {len(data_files)} data "
        f"file(s); indices contiguous, stats agree; task {tasks.index[0]!r}"
    )


def check_with_datasets(root: Path):
    """Loads the data as LeRobot does, through Hugging Face `datasets` with the features of
    info.json: shape [1] a scalar `Value`, shape [n] a `Sequence` of length n."""
    try:
        import datasets
    except ImportError as error:
        print(f"datasets: not installed ({error}); skipped")
        return
    info = json.loads((root / "meta/info.json").read_text())
    features = datasets.Features(
        {
            key: datasets.Value(ft["dtype"])
            if ft["shape"] == [1]
            else datasets.Sequence(length=ft["shape"][0], feature=datasets.Value(ft["dtype"]))
            for key, ft in info["features"].items()
        }
    )
    paths = [str(p) for p in sorted((root / "data").glob("*/*.parquet"))]
    frames = datasets.Dataset.from_parquet(paths, features=features)
    episodes = datasets.Dataset.from_parquet(
        [str(p) for p in sorted((root / "meta/episodes").glob("*/*.parquet"))]
    )
    last = episodes[info["total_episodes"] - 1]
    row = frames[last["dataset_to_index"] - 1]
    if row["episode_index"] != last["episode_index"] or not row["next.done"]:
        fail(f"the last episode's last frame: {row}")
    if len(row["observation.state"]) != info["features"]["observation.state"]["shape"][0]:
        fail("observation.state's length")
    print(
        f"datasets: {len(frames)} frames loaded with info.json's features, "
        f"{len(episodes)} episode rows; the last episode ends at index {row['index']}"
    )


def check_with_lerobot(root: Path):
    try:
        from lerobot.datasets.lerobot_dataset import LeRobotDataset
    except ImportError as error:
        print(f"lerobot: not installed ({error}); skipped")
        return
    dataset = LeRobotDataset(repo_id="manyworlds/check", root=root)
    item = dataset[len(dataset) - 1]
    print(
        f"lerobot: LeRobotDataset loaded {dataset.num_episodes} episodes, {len(dataset)} frames, "
        f"fps {dataset.fps}; last frame: episode {int(item['episode_index'])}, "
        f"state {tuple(item['observation.state'].shape)}, task {item['task']!r}"
    )


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    directory = Path(sys.argv[1])
    check_with_pyarrow(directory)
    check_with_datasets(directory)
    check_with_lerobot(directory)
