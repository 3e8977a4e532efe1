//! The scene template and the step parameters in the form the kernels read them.

use manyworlds_core::{Scene, Shape, Softness, StepParams};

use crate::layout::{GpuSceneBody, GpuSceneCollider, GpuShape, GpuStepUniforms};

pub fn scene_bodies(scene: &Scene) -> Vec<GpuSceneBody> {
    scene
        .bodies()
        .iter()
        .map(|body| {
            let m = body.inverse_inertia;
            let column = |c: glam::Vec3| [c.x, c.y, c.z, 0.0];
            GpuSceneBody {
                inverse_inertia: [column(m.x_axis), column(m.y_axis), column(m.z_axis)],
                center_of_mass: body.mass.center_of_mass.to_array(),
                inverse_mass: body.inverse_mass,
            }
        })
        .collect()
}

pub fn scene_colliders(scene: &Scene) -> Vec<GpuSceneCollider> {
    scene
        .colliders()
        .iter()
        .map(|c| GpuSceneCollider {
            pose: (&c.pose).into(),
            shape: GpuShape::from(&c.shape),
            body: c.body as u32,
            memberships: c.filter.memberships,
            collides_with: c.filter.filter,
            friction: c.material.friction,
            restitution: c.material.restitution,
            bounding_radius: match c.shape {
                Shape::Plane => 0.0,
                shape => shape.bounding_radius(),
            },
            _pad: [0; 2],
        })
        .collect()
}

/// Everything of `StepUniforms` but the per-dispatch fields (`target_steps`, `capacity`),
/// with the soft-contact coefficients computed as the CPU backend does.
pub fn step_uniforms(params: &StepParams, scene: &Scene, worlds: usize) -> GpuStepUniforms {
    let h = params.substep_dt();
    let inv_h = 1.0 / h;
    let hertz = params.contact_hertz.min(0.25 * inv_h);
    let soft = Softness::new(hertz, params.contact_damping_ratio, h);
    let static_soft = Softness::new(2.0 * hertz, params.contact_damping_ratio, h);
    GpuStepUniforms {
        gravity: params.gravity.to_array(),
        dt: params.dt,
        h,
        inv_h,
        max_push_out_speed: params.max_push_out_speed,
        restitution_threshold: params.restitution_threshold,
        speculative_distance: params.speculative_distance,
        gravity_travel: params.gravity.length() * params.dt,
        substeps: params.substeps,
        body_count: scene.body_count() as u32,
        collider_count: scene.colliders().len() as u32,
        capacity: 0,
        target_steps: 0,
        workgroups_x: 0,
        soft_bias_rate: soft.bias_rate,
        soft_mass_scale: soft.mass_scale,
        soft_impulse_scale: soft.impulse_scale,
        static_bias_rate: static_soft.bias_rate,
        static_mass_scale: static_soft.mass_scale,
        static_impulse_scale: static_soft.impulse_scale,
        state_stride: (worlds * scene.body_count()) as u32,
        _pad: 0,
    }
}
