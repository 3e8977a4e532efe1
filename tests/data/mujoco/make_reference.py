"""Reference trajectories from MuJoCo, for tests/mujoco_agreement.rs (which needs no
Python): gymnasium's inverted pendulums, and spring_limits.xml here (sprung, damped joints
pushed into MuJoCo's soft limits). Regenerate with

    pip install mujoco==4.0.1 numpy
    python3 tests/data/mujoco/make_reference.py

Each model starts at rest at the qpos below and takes the control
u(t) = amplitude * sin(2 pi t / 0.8) on every actuator, held over each time step. Joint
positions are recorded after every step for 1 s.
"""

import json
import math
import pathlib

import mujoco

HERE = pathlib.Path(__file__).resolve().parent
ASSETS = HERE.parents[1] / "assets" / "gymnasium"

CASES = {
    "inverted_pendulum": {"qpos": [0.0, 0.01], "amplitude": 0.05, "folder": ASSETS},
    "inverted_double_pendulum": {
        "qpos": [0.0, 0.002, -0.001],
        "amplitude": 0.005,
        "folder": ASSETS,
    },
    "spring_limits": {"qpos": [-0.5, 0.03], "amplitude": 6.0, "folder": HERE},
}


def control(amplitude, t):
    return amplitude * math.sin(2.0 * math.pi * t / 0.8)


def main():
    for name, case in CASES.items():
        model = mujoco.MjModel.from_xml_path(str(case["folder"] / f"{name}.xml"))
        data = mujoco.MjData(model)
        data.qpos[:] = case["qpos"]
        mujoco.mj_forward(model, data)
        dt = model.opt.timestep
        steps = round(1.0 / dt)
        trajectory = []
        for k in range(steps):
            data.ctrl[:] = control(case["amplitude"], k * dt)
            mujoco.mj_step(model, data)
            trajectory.append([float(q) for q in data.qpos])
        out = {
            "model": str((case["folder"] / f"{name}.xml").relative_to(HERE.parents[1])),
            "mujoco": mujoco.__version__,
            "dt": dt,
            "qpos0": case["qpos"],
            "amplitude": case["amplitude"],
            "control_period": 0.8,
            "qpos": trajectory,
        }
        (HERE / f"{name}.json").write_text(json.dumps(out, indent=1) + "\n")
        print(name, steps, "steps, final qpos", trajectory[-1])


if __name__ == "__main__":
    main()
