// CartPoleBalance's observation and outcome on the device (cartpole_balance.rs).
// q, q̇: the cart's slider, the pole's hinge. Parameters: the x and θ limits.

fn task_observe(w: u32) {
    write_observation(w, 0u, joint_q(w, 0u));
    write_observation(w, 1u, joint_qd(w, 0u));
    write_observation(w, 2u, joint_q(w, 1u));
    write_observation(w, 3u, joint_qd(w, 1u));
}

fn task_outcome(w: u32) -> vec2f {
    let fallen = abs(joint_q(w, 0u)) > task_parameter(0u) || abs(joint_q(w, 1u)) > task_parameter(1u);
    return vec2f(1.0, select(0.0, 1.0, fallen));
}
