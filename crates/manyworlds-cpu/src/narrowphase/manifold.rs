//! The result of a narrow-phase test: a contact normal and up to four points.

use glam::Vec3;

/// At most this many points per manifold: four well-spread points hold a face flat.
pub const MAX_POINTS: usize = 4;

/// One point of contact between two shapes.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ContactPoint {
    /// World position, midway between the two surfaces.
    pub position: Vec3,
    /// Signed distance between the surfaces along the manifold normal: negative when they
    /// overlap, positive (up to the speculative margin) when they are about to touch.
    pub separation: f32,
    /// Names the pair of features (vertex, edge, face) that made this point, stable from one
    /// step to the next while the same features touch. Warm starting matches points by it.
    pub feature: u32,
}

/// Contact between shape A and shape B.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Manifold {
    /// Unit normal pointing from A towards B.
    pub normal: Vec3,
    pub points: [ContactPoint; MAX_POINTS],
    pub count: usize,
    /// Radius of curvature of each surface at the contact: a sphere's or capsule's radius,
    /// 0 for a box or a plane. The centre of curvature is a material point, the touching
    /// surface point of a rolling round shape is not: the solver tracks the former.
    pub radius_a: f32,
    pub radius_b: f32,
}

impl Manifold {
    /// A manifold with no points: the shapes are farther apart than the margin.
    pub const EMPTY: Manifold = Manifold {
        normal: Vec3::Z,
        points: [ContactPoint {
            position: Vec3::ZERO,
            separation: 0.0,
            feature: 0,
        }; MAX_POINTS],
        count: 0,
        radius_a: 0.0,
        radius_b: 0.0,
    };

    pub fn with_normal(normal: Vec3) -> Self {
        Manifold {
            normal,
            ..Manifold::EMPTY
        }
    }

    /// Appends a point; points beyond [`MAX_POINTS`] are a logic error of the caller and are
    /// ignored in release builds.
    pub fn push(&mut self, position: Vec3, separation: f32, feature: u32) {
        debug_assert!(self.count < MAX_POINTS, "manifold holds at most 4 points");
        if self.count < MAX_POINTS {
            self.points[self.count] = ContactPoint {
                position,
                separation,
                feature,
            };
            self.count += 1;
        }
    }

    pub fn points(&self) -> &[ContactPoint] {
        &self.points[..self.count]
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The same contact seen from B: the normal reversed, radii swapped, points unchanged.
    pub fn flipped(mut self) -> Self {
        self.normal = -self.normal;
        std::mem::swap(&mut self.radius_a, &mut self.radius_b);
        self
    }
}
