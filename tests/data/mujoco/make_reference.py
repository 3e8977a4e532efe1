"""Reference trajectories from MuJoCo, for tests/mujoco_agreement.rs (which needs no
Python): gymnasium's inverted pendulums, spring_limits.xml here (sprung, damped joints
pushed into MuJoCo's soft limits), hip_and_shoulder.xml here (gymnasium humanoid's leg and
arm: a three-hinge hip and a two-hinge shoulder under limits and motors), and gymnasium's
hopper, walker2d and half cheetah in the
air (copies written here as *_airborne.xml with `<flag contact="disable"/>`: planar roots of
two slides and a hinge on one body). The robots' (and the hip's and shoulder's) references are converged trajectories:
MuJoCo's RK4 at a tenth of the file's time step (the control held over each file step),
since at the file's own step MuJoCo's integrators disagree with each other by more than the
tests' tolerance (half cheetah's Euler at 10 ms by 3x it, walker2d's Euler against its RK4
by 6x). Regenerate with

    pip install mujoco==4.0.1 numpy
    python3 tests/data/mujoco/make_reference.py

Each model starts at rest at the q below (joint positions measured from the file's pose,
MuJoCo's qpos - qpos0, as manyworlds reads them) and takes the control
u(t) = amplitude * sin(2 pi t / 0.8) on every actuator, held over each time step. Joint
positions (again qpos - qpos0) are recorded after every step for 1 s.
"""

import json
import math
import pathlib
import re

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
    # Planar robots in the air: root (x, z, pitch), then the legs' hinges, all bent.
    "hopper": {
        "qpos": [0.0, 0.0, 0.2, -0.3, -0.4, 0.3],
        "amplitude": 0.6,
        "folder": ASSETS,
        "airborne": True,
    },
    "walker2d_v5": {
        "qpos": [0.0, 0.0, -0.1, -0.3, -0.5, 0.2, -0.6, -0.2, -0.3],
        "amplitude": 0.5,
        "folder": ASSETS,
        "airborne": True,
    },
    # gymnasium humanoid's right leg (three-hinge hip, knee) and right arm (two-hinge
    # shoulder of skewed axes, elbow), hung from the world, contacts disabled.
    "hip_and_shoulder": {
        "qpos": [-0.1, 0.2, -0.5, -0.8, 0.3, -0.2, 0.4],
        "amplitude": 0.4,
        "folder": HERE,
        "converged": True,
    },
    "half_cheetah": {
        "qpos": [0.0, 0.0, 0.15, 0.3, -0.4, 0.2, -0.5, 0.6, -0.2],
        "amplitude": 0.5,
        "folder": ASSETS,
        "airborne": True,
    },
}


def airborne_copy(name, source):
    """`source` with contacts disabled, written here; returns its path."""
    text = source.read_text()
    option = re.search(r"<option([^>]*?)/>", text)
    flag = '<option\\1><flag contact="disable"/></option>'
    text = text[: option.start()] + re.sub(r"<option([^>]*?)/>", flag, option.group(0)) + text[option.end():]
    note = "<!-- " + source.name + " from gymnasium (MIT, tests/assets/gymnasium/LICENSE), contacts disabled by make_reference.py -->\n"
    path = HERE / f"{name}_airborne.xml"
    path.write_text(note + text)
    return path


def control(amplitude, t):
    return amplitude * math.sin(2.0 * math.pi * t / 0.8)


def main():
    for name, case in CASES.items():
        path = case["folder"] / f"{name}.xml"
        if case.get("airborne"):
            path = airborne_copy(name, path)
        model = mujoco.MjModel.from_xml_path(str(path))
        dt = model.opt.timestep
        substeps = 1
        if case.get("airborne") or case.get("converged"):
            substeps = 10
            model.opt.integrator = mujoco.mjtIntegrator.mjINT_RK4
            model.opt.timestep = dt / substeps
        data = mujoco.MjData(model)
        qpos0 = [float(q) for q in model.qpos0]
        data.qpos[:] = [q0 + q for q0, q in zip(qpos0, case["qpos"])]
        mujoco.mj_forward(model, data)
        steps = round(1.0 / dt)
        trajectory = []
        for k in range(steps):
            data.ctrl[:] = control(case["amplitude"], k * dt)
            for _ in range(substeps):
                mujoco.mj_step(model, data)
            trajectory.append([float(q - q0) for q, q0 in zip(data.qpos, qpos0)])
        out = {
            "model": str(path.relative_to(HERE.parents[1])),
            "mujoco": mujoco.__version__,
            "dt": dt,
            "mujoco_substeps": substeps,
            "qpos0": case["qpos"],
            "amplitude": case["amplitude"],
            "control_period": 0.8,
            "qpos": trajectory,
        }
        (HERE / f"{name}.json").write_text(json.dumps(out, indent=1) + "\n")
        print(name, steps, "steps, final qpos", trajectory[-1])


if __name__ == "__main__":
    main()
