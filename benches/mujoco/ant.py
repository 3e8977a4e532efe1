"""MuJoCo on gymnasium's Ant, for comparison with `cargo bench --bench articulated`.

Usage: python3 benches/mujoco/ant.py [--worlds 1024] [--steps 1000] [--threads 2]
Needs `pip install mujoco numpy`. Prints world-steps/s in two modes:
  lockstep: every world advances one step before any advances the next (a training loop:
            one `Rollout.rollout(nstep=1)` call per step, fresh controls each time);
  rollout:  each world runs its whole episode on its own thread (MuJoCo's best case).
Initial states follow Ant-v5's reset (qpos0 + U(-0.1, 0.1), qvel 0.1 N(0, 1), quaternion
renormalised); controls are uniform in [-1, 1], fresh every physics step.
"""

import argparse
import pathlib
import time

import mujoco
import numpy as np
from mujoco import rollout

MODEL = pathlib.Path(__file__).resolve().parents[2] / "tests/assets/gymnasium/ant.xml"
FULL = mujoco.mjtState.mjSTATE_FULLPHYSICS


def initial_states(model, worlds, rng):
    data = mujoco.MjData(model)
    states = np.zeros((worlds, mujoco.mj_stateSize(model, FULL)))
    for w in range(worlds):
        mujoco.mj_resetData(model, data)
        data.qpos[:] = model.qpos0 + rng.uniform(-0.1, 0.1, model.nq)
        data.qpos[3:7] /= np.linalg.norm(data.qpos[3:7])
        data.qvel[:] = 0.1 * rng.standard_normal(model.nv)
        mujoco.mj_getState(model, data, states[w], FULL)
    return states


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--worlds", type=int, default=1024)
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    model = mujoco.MjModel.from_xml_path(str(MODEL))
    datas = [mujoco.MjData(model) for _ in range(args.threads)]
    rng = np.random.default_rng(0)
    start = initial_states(model, args.worlds, rng)
    n, steps = args.worlds, args.steps
    with rollout.Rollout(nthread=args.threads) as runner:
        # Lockstep.
        state = start
        runner.rollout(model, datas, state, rng.uniform(-1, 1, (n, 1, model.nu)), nstep=1)
        began = time.perf_counter()
        for _ in range(steps):
            controls = rng.uniform(-1, 1, (n, 1, model.nu))
            states, _ = runner.rollout(model, datas, state, controls, nstep=1)
            state = states[:, -1, :]
        lockstep = n * steps / (time.perf_counter() - began)
        # Rollout.
        controls = rng.uniform(-1, 1, (n, steps, model.nu))
        began = time.perf_counter()
        runner.rollout(model, datas, start, controls, nstep=steps)
        whole = n * steps / (time.perf_counter() - began)
    print(f"mujoco {mujoco.__version__} ant, {n} worlds x {steps} steps, {args.threads} threads")
    print(f"lockstep  {lockstep:10.0f} world-steps/s")
    print(f"rollout   {whole:10.0f} world-steps/s")


if __name__ == "__main__":
    main()
