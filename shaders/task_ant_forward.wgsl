// AntForward's observation and outcome on the device (ant_forward.rs, gymnasium's Ant-v5).
// q: the torso's free joint (x, y, z, quaternion), then 8 hinges; q̇: 6 + 8.
// Parameters: forward reward weight, healthy reward, control cost weight, healthy z range.

fn task_observe(w: u32) {
    // q without the torso's x and y, then q̇.
    for (var k = 0u; k < 13u; k++) {
        write_observation(w, k, joint_q(w, k + 2u));
    }
    for (var k = 0u; k < 14u; k++) {
        write_observation(w, 13u + k, joint_qd(w, k));
    }
}

fn task_outcome(w: u32) -> vec2f {
    let z = joint_q(w, 2u);
    let healthy = z >= task_parameter(3u) && z <= task_parameter(4u);
    let x_velocity = (joint_q(w, 0u) - joint_q_before(w, 0u)) / readout.dt;
    var control_cost = 0.0;
    for (var a = 0u; a < 8u; a++) {
        let u = control(w, a);
        control_cost += u * u;
    }
    let reward = task_parameter(0u) * x_velocity + select(0.0, task_parameter(1u), healthy)
        - task_parameter(2u) * control_cost;
    return vec2f(reward, select(1.0, 0.0, healthy));
}
