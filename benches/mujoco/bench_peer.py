"""MuJoCo as a peer of `manyworlds bench`: one repetition of one cell, printed as one JSON line.

Usage: python3 benches/mujoco/bench_peer.py --model FILE --worlds N --steps S
           [--warmup W] [--threads T] [--seed SEED] [--measure]
Needs `pip install mujoco numpy`. `manyworlds bench` runs this script (it is compiled into the
binary) once per repetition, so that MuJoCo's runs alternate with the other engines'.

Both of MuJoCo's ways of stepping many worlds on T threads (`mujoco.rollout`), timed after W
warm-up steps, from the same initial states (qpos0, qvel 0, the model's keyframe-free
default), controls uniform in each actuator's ctrlrange ([-1, 1] without one), fresh every
step:
  lockstep: every world advances one step before any advances the next (a training loop:
            one `Rollout.rollout(nstep=1)` call per step);
  rollout:  each world runs all S steps on its own (MuJoCo's best case).
Also printed: the cold start (model compiled from the file, initial states, the first
lockstep step), the process' peak resident memory (VmHWM of /proc/self/status after resetting
it when the model is loaded) and its growth over the resident memory before the model was
loaded, and with --measure the plausibility of the lockstep run's final states: worlds with a
non-finite state, the fastest body frame origin (m/s), the deepest contact (m, from
`data.contact.dist`: self-contacts included).
"""

import argparse
import json
import pathlib
import time

import mujoco
import numpy as np
from mujoco import rollout

FULL = mujoco.mjtState.mjSTATE_FULLPHYSICS


def status_bytes(field):
    """A field of /proc/self/status in bytes, or None off Linux."""
    try:
        for line in pathlib.Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def reset_peak():
    """Resets VmHWM to the current resident size (Linux 4.0+); ignored where refused."""
    try:
        pathlib.Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def control_bounds(model):
    low = np.full(model.nu, -1.0)
    high = np.full(model.nu, 1.0)
    for a in range(model.nu):
        if model.actuator_ctrllimited[a]:
            low[a], high[a] = model.actuator_ctrlrange[a]
    return low, high


def plausibility(model, states):
    data = mujoco.MjData(model)
    non_finite, max_speed, max_penetration = 0, 0.0, 0.0
    velocity = np.zeros(6)
    for state in states:
        if not np.all(np.isfinite(state)):
            non_finite += 1
            continue
        mujoco.mj_setState(model, data, state, FULL)
        mujoco.mj_forward(model, data)
        for body in range(1, model.nbody):
            mujoco.mj_objectVelocity(model, data, mujoco.mjtObj.mjOBJ_BODY, body, velocity, 0)
            max_speed = max(max_speed, float(np.linalg.norm(velocity[3:])))
        if data.ncon > 0:
            max_penetration = max(max_penetration, float(-np.min(data.contact.dist[: data.ncon])))
    return {
        "non_finite_worlds": non_finite,
        "max_speed_m_per_s": max_speed,
        "max_penetration_m": max_penetration,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--worlds", type=int, required=True)
    parser.add_argument("--steps", type=int, required=True)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--measure", action="store_true")
    args = parser.parse_args()
    n, steps = args.worlds, args.steps
    rng = np.random.default_rng(args.seed)

    rss_before = status_bytes("VmRSS")
    reset_peak()
    began = time.perf_counter()
    model = mujoco.MjModel.from_xml_path(args.model)
    low, high = control_bounds(model)
    datas = [mujoco.MjData(model) for _ in range(args.threads)]
    one = mujoco.MjData(model)
    start = np.zeros((n, mujoco.mj_stateSize(model, FULL)))
    mujoco.mj_getState(model, one, start[0], FULL)
    start[:] = start[0]

    def controls(k):
        return rng.uniform(low, high, (n, k, model.nu))

    with rollout.Rollout(nthread=args.threads) as runner:
        states, _ = runner.rollout(model, datas, start, controls(1), nstep=1)
        cold_start = time.perf_counter() - began
        state = states[:, -1, :]
        for _ in range(args.warmup):
            states, _ = runner.rollout(model, datas, state, controls(1), nstep=1)
            state = states[:, -1, :]
        began = time.perf_counter()
        for _ in range(steps):
            states, _ = runner.rollout(model, datas, state, controls(1), nstep=1)
            state = states[:, -1, :]
        lockstep = n * steps / max(time.perf_counter() - began, 1e-9)
        whole_controls = controls(steps)
        began = time.perf_counter()
        runner.rollout(model, datas, start, whole_controls, nstep=steps)
        whole = n * steps / max(time.perf_counter() - began, 1e-9)

    peak = status_bytes("VmHWM")
    out = {
        "mujoco_version": mujoco.__version__,
        "lockstep_world_steps_per_second": lockstep,
        "rollout_world_steps_per_second": whole,
        "cold_start_s": cold_start,
        "peak_rss_bytes": peak,
        "rss_growth_bytes": None if peak is None or rss_before is None else peak - rss_before,
        "bodies": model.nbody - 1,
        "plausibility": plausibility(model, state) if args.measure else None,
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
