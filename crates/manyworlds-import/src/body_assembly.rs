//! A loader's finished body: static, or dynamic with the matter of every link or MJCF body
//! welded into it.

use manyworlds_core::{BodyDesc, BodyKind, ColliderDesc, MassProperties, MassSpec, Pose};

/// The description of a body at `pose` with `colliders` (in its frame) and, when dynamic,
/// `mass`.
pub fn assembled_body(
    name: &str,
    pose: Pose,
    is_static: bool,
    colliders: impl IntoIterator<Item = ColliderDesc>,
    mass: MassProperties,
) -> BodyDesc {
    let kind = if is_static {
        BodyKind::Static
    } else {
        BodyKind::Dynamic
    };
    let mut body = BodyDesc::new(name, kind);
    body.pose = pose;
    for collider in colliders {
        body = body.collider(collider);
    }
    if !is_static {
        body = body.mass(MassSpec::Explicit(mass));
    }
    body
}
