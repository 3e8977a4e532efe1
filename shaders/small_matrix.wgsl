// 6×6 blocks and 6-vectors for the joint solvers (small_matrix.rs), as 3×3 blocks: a body's
// 6 degrees of freedom (linear, angular) and a joint's ≤ 6 rows (0–2, 3–5). A joint with fewer
// rows is padded, as on the CPU: zero coupling and ±1 on the unused diagonal, which keeps its
// block definite and decoupled.
//
// All of it is straight-line code on mat3x3f, without loops or indexed local arrays: a CPU
// implementation (lavapipe) caps the loop iterations of a whole kernel invocation and turns
// indexed local arrays into chains of selects.

// [[a, b], [c, d]]: a maps the first half to the first half, b the second half to the first.
struct Block6 {
    a: mat3x3f,
    b: mat3x3f,
    c: mat3x3f,
    d: mat3x3f,
}

struct Vec6 {
    top: vec3f,
    bottom: vec3f,
}

// A symmetric definite block P = sign · D factored by its Schur complement: P₁₁⁻¹,
// M = P₂₁ P₁₁⁻¹ and S⁻¹ with S = P₂₂ − M P₁₂.
struct BlockFactor {
    inverse_a: mat3x3f,
    m: mat3x3f,
    inverse_s: mat3x3f,
}

// The diagonal block with v on its diagonal.
fn block_diagonal(v: Vec6) -> Block6 {
    let zero = mat3x3f();
    return Block6(mat3_diagonal(v.top), zero, zero, mat3_diagonal(v.bottom));
}

fn mat3_diagonal(v: vec3f) -> mat3x3f {
    return mat3x3f(v.x, 0.0, 0.0, 0.0, v.y, 0.0, 0.0, 0.0, v.z);
}

// x yᵀ.
fn mat3_outer(x: vec3f, y: vec3f) -> mat3x3f {
    return mat3x3f(x * y.x, x * y.y, x * y.z);
}

// v vᵀ.
fn block_outer(v: Vec6) -> Block6 {
    return Block6(
        mat3_outer(v.top, v.top),
        mat3_outer(v.top, v.bottom),
        mat3_outer(v.bottom, v.top),
        mat3_outer(v.bottom, v.bottom),
    );
}

fn block_transpose(x: Block6) -> Block6 {
    return Block6(transpose(x.a), transpose(x.c), transpose(x.b), transpose(x.d));
}

fn block_scale(x: Block6, s: f32) -> Block6 {
    return Block6(x.a * s, x.b * s, x.c * s, x.d * s);
}

fn block_add(x: Block6, y: Block6) -> Block6 {
    return Block6(x.a + y.a, x.b + y.b, x.c + y.c, x.d + y.d);
}

fn block_sub(x: Block6, y: Block6) -> Block6 {
    return Block6(x.a - y.a, x.b - y.b, x.c - y.c, x.d - y.d);
}

fn block_mul(x: Block6, y: Block6) -> Block6 {
    return Block6(
        x.a * y.a + x.b * y.c,
        x.a * y.b + x.b * y.d,
        x.c * y.a + x.d * y.c,
        x.c * y.b + x.d * y.d,
    );
}

fn block_mul_vec(x: Block6, v: Vec6) -> Vec6 {
    return Vec6(x.a * v.top + x.b * v.bottom, x.c * v.top + x.d * v.bottom);
}

// xᵀ v.
fn block_transpose_mul_vec(x: Block6, v: Vec6) -> Vec6 {
    return Vec6(
        transpose(x.a) * v.top + transpose(x.c) * v.bottom,
        transpose(x.b) * v.top + transpose(x.d) * v.bottom,
    );
}

fn vec6_dot(x: Vec6, y: Vec6) -> f32 {
    return dot(x.top, y.top) + dot(x.bottom, y.bottom);
}

fn vec6_sub(x: Vec6, y: Vec6) -> Vec6 {
    return Vec6(x.top - y.top, x.bottom - y.bottom);
}

// Entry k of v.
fn vec6_at(v: Vec6, k: u32) -> f32 {
    if k < 3u {
        return v.top[k];
    }
    return v.bottom[k - 3u];
}

// Whether a symmetric 3×3 is positive definite with every Cholesky pivot above `threshold`
// (the CPU's test: small_matrix.rs `DefiniteFactor::factor`).
fn is_definite3(p: mat3x3f, threshold: f32) -> bool {
    let d0 = p[0][0];
    let minor = p[0][0] * p[1][1] - p[1][0] * p[1][0];
    let det = dot(p[2], cross(p[0], p[1]));
    return d0 > threshold && minor > threshold * d0 && det > threshold * minor;
}

// Factors sign · d, which must be positive definite with pivots above 1e-9 × its largest
// diagonal entry; `ok` says whether it was.
struct Factored {
    factor: BlockFactor,
    ok: bool,
}

fn factor_block(d: Block6, sign: f32) -> Factored {
    let p = block_scale(d, sign);
    let diagonal = vec3f(
        max(max(abs(d.a[0][0]), abs(d.a[1][1])), abs(d.a[2][2])),
        max(max(abs(d.d[0][0]), abs(d.d[1][1])), abs(d.d[2][2])),
        0.0,
    );
    let threshold = 1e-9 * max(diagonal.x, diagonal.y);
    let inverse_a = mat3_inverse(p.a);
    let m = p.c * inverse_a;
    let s = p.d - m * p.b;
    let ok = is_definite3(p.a, threshold) && is_definite3(s, threshold);
    return Factored(BlockFactor(inverse_a, m, mat3_inverse(s)), ok);
}

// (sign · P)⁻¹ v, from P's factor: z₂ = S⁻¹ (v₂ − M v₁), z₁ = P₁₁⁻¹ v₁ − Mᵀ z₂.
fn factor_solve(f: BlockFactor, sign: f32, v: Vec6) -> Vec6 {
    let z2 = f.inverse_s * (v.bottom - f.m * v.top);
    let z1 = f.inverse_a * v.top - transpose(f.m) * z2;
    return Vec6(z1 * sign, z2 * sign);
}

// (sign · P)⁻¹ h, column-blocks at a time.
fn factor_solve_block(f: BlockFactor, sign: f32, h: Block6) -> Block6 {
    let left = factor_solve_columns(f, h.a, h.c);
    let right = factor_solve_columns(f, h.b, h.d);
    return block_scale(Block6(left[0], right[0], left[1], right[1]), sign);
}

// P⁻¹ [top; bottom] for a 6×3 column block.
fn factor_solve_columns(f: BlockFactor, top: mat3x3f, bottom: mat3x3f) -> array<mat3x3f, 2> {
    let z2 = f.inverse_s * (bottom - f.m * top);
    let z1 = f.inverse_a * top - transpose(f.m) * z2;
    return array<mat3x3f, 2>(z1, z2);
}

// The inverse of a 3×3 matrix by cofactors (glam's `Mat3A::inverse`).
fn mat3_inverse(m: mat3x3f) -> mat3x3f {
    let c0 = cross(m[1], m[2]);
    let c1 = cross(m[2], m[0]);
    let c2 = cross(m[0], m[1]);
    let inverse_det = 1.0 / dot(m[2], c2);
    return transpose(mat3x3f(c0 * inverse_det, c1 * inverse_det, c2 * inverse_det));
}
