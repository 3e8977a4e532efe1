//! Dense matrices of at most 6×6, for the blocks of the articulation solve (a body's 6
//! degrees of freedom, a joint's ≤ 6 rows). Row-major, with their used size.
// Index loops read like the textbook algorithms here.
#![allow(clippy::needless_range_loop)]

pub const MAX_DIM: usize = 6;

/// A 6×6 block. Smaller blocks are padded: zeros off their range, and a ±1 on the unused
/// diagonal of a pivot, which keeps it definite and decoupled. Fixed-size loops unroll and
/// vectorise.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SmallMatrix {
    pub m: [[f32; MAX_DIM]; MAX_DIM],
}

pub type SmallVector = [f32; MAX_DIM];

impl SmallMatrix {
    pub const ZERO: SmallMatrix = SmallMatrix {
        m: [[0.0; MAX_DIM]; MAX_DIM],
    };

    /// Zero, with `value` on the diagonal from index `used` on (padding).
    #[inline]
    pub fn padded(used: usize, value: f32) -> Self {
        let mut out = Self::ZERO;
        for i in used..MAX_DIM {
            out.m[i][i] = value;
        }
        out
    }

    /// Sets `self` to `padded(used, value)` in place.
    #[inline]
    pub fn set_padded(&mut self, used: usize, value: f32) {
        for (i, row) in self.m.iter_mut().enumerate() {
            *row = [0.0; MAX_DIM];
            if i >= used {
                row[i] = value;
            }
        }
    }

    /// `self · x`.
    #[inline]
    pub fn mul_vec(&self, x: &SmallVector) -> SmallVector {
        let mut y = [0.0; MAX_DIM];
        for i in 0..MAX_DIM {
            let mut sum = 0.0;
            for j in 0..MAX_DIM {
                sum += self.m[i][j] * x[j];
            }
            y[i] = sum;
        }
        y
    }

    /// `selfᵀ · x`.
    #[inline]
    pub fn transpose_mul_vec(&self, x: &SmallVector) -> SmallVector {
        let mut y = [0.0; MAX_DIM];
        for i in 0..MAX_DIM {
            for j in 0..MAX_DIM {
                y[j] += self.m[i][j] * x[i];
            }
        }
        y
    }

    /// `self -= aᵀ · b`.
    #[inline]
    pub fn sub_transpose_mul(&mut self, a: &SmallMatrix, b: &SmallMatrix) {
        for k in 0..MAX_DIM {
            for i in 0..MAX_DIM {
                let aki = a.m[k][i];
                for j in 0..MAX_DIM {
                    self.m[i][j] -= aki * b.m[k][j];
                }
            }
        }
    }

    /// The inverse of the leading `used` × `used` block by Gauss–Jordan elimination with
    /// partial pivoting (identity on the padding), or None when singular.
    pub fn inverse(&self, used: usize) -> Option<SmallMatrix> {
        let n = used.min(MAX_DIM);
        let mut a = self.m;
        let mut inv = Self::padded(0, 1.0);
        let scale = (0..n).map(|i| a[i][i].abs()).fold(0.0, f32::max);
        for col in 0..n {
            let pivot = (col..n)
                .max_by(|&x, &y| a[x][col].abs().total_cmp(&a[y][col].abs()))
                .unwrap_or(col);
            let magnitude = a[pivot][col].abs();
            if magnitude.is_nan() || magnitude <= 1e-12 * scale {
                return None;
            }
            a.swap(col, pivot);
            inv.m.swap(col, pivot);
            let p = 1.0 / a[col][col];
            for j in 0..n {
                a[col][j] *= p;
                inv.m[col][j] *= p;
            }
            for r in 0..n {
                if r == col {
                    continue;
                }
                let f = a[r][col];
                if f == 0.0 {
                    continue;
                }
                for j in 0..n {
                    a[r][j] -= f * a[col][j];
                    inv.m[r][j] -= f * inv.m[col][j];
                }
            }
        }
        Some(inv)
    }
}

/// A definite symmetric block, factored: `sign · L Lᵀ` with L lower triangular (the diagonal
/// stored inverted). Bodies' pivots are positive definite, joints' negative definite.
///
/// Always the whole 6×6: a smaller block's padding (sign × identity) factors into identity
/// rows of L that leave the used part's values as they are, and fixed-size loops unroll.
#[derive(Clone, Copy, Debug, Default)]
pub struct DefiniteFactor {
    sign: f32,
    l: [[f32; MAX_DIM]; MAX_DIM],
}

impl DefiniteFactor {
    /// Factors `d`, positive definite when `positive`, else negative definite. None when it
    /// is not (numerically).
    #[cfg(test)]
    pub fn new(d: &SmallMatrix, positive: bool) -> Option<Self> {
        let mut f = DefiniteFactor::default();
        f.factor(d, MAX_DIM, positive).then_some(f)
    }

    /// Factors `d`, whose leading `dim` × `dim` is used and the rest padding, in place;
    /// false when it is not definite with the expected sign.
    pub fn factor(&mut self, d: &SmallMatrix, dim: usize, positive: bool) -> bool {
        let sign: f32 = if positive { 1.0 } else { -1.0 };
        self.sign = sign;
        let l = &mut self.l;
        let mut scale: f32 = 0.0;
        for i in 0..MAX_DIM {
            if i < dim {
                scale = scale.max(d.m[i][i].abs());
            }
        }
        // Loops over the full, constant range with the triangle as a condition: the
        // compiler unrolls them completely and drops the conditions.
        let mut definite = true;
        for j in 0..MAX_DIM {
            let mut diagonal = sign * d.m[j][j];
            for k in 0..MAX_DIM {
                if k < j {
                    diagonal -= l[j][k] * l[j][k];
                }
            }
            // Written to be false for NaN too.
            definite &= diagonal > 1e-9 * scale;
            let inverse_root = 1.0 / diagonal.sqrt();
            l[j][j] = inverse_root;
            for i in 0..MAX_DIM {
                if i > j {
                    let mut sum = sign * d.m[i][j];
                    for k in 0..MAX_DIM {
                        if k < j {
                            sum -= l[i][k] * l[j][k];
                        }
                    }
                    l[i][j] = sum * inverse_root;
                }
            }
        }
        definite
    }

    /// `x ← D⁻¹ x`.
    #[inline]
    pub fn solve(&self, x: &mut SmallVector) {
        let l = &self.l;
        for i in 0..MAX_DIM {
            let mut sum = x[i];
            for k in 0..MAX_DIM {
                if k < i {
                    sum -= l[i][k] * x[k];
                }
            }
            x[i] = sum * l[i][i];
        }
        for i in (0..MAX_DIM).rev() {
            let mut sum = x[i];
            for k in 0..MAX_DIM {
                if k > i {
                    sum -= l[k][i] * x[k];
                }
            }
            x[i] = sum * l[i][i];
        }
        for v in x.iter_mut() {
            *v *= self.sign;
        }
    }

    /// `out = D⁻¹ h`: both triangular solves on whole rows at once (all of `h`'s columns
    /// together, which vectorises).
    pub fn solve_block(&self, h: &SmallMatrix, out: &mut SmallMatrix) {
        let l = &self.l;
        let y = &mut out.m;
        for i in 0..MAX_DIM {
            let mut row = h.m[i];
            for k in 0..MAX_DIM {
                if k < i {
                    let f = l[i][k];
                    for c in 0..MAX_DIM {
                        row[c] -= f * y[k][c];
                    }
                }
            }
            for c in 0..MAX_DIM {
                y[i][c] = row[c] * l[i][i];
            }
        }
        for i in (0..MAX_DIM).rev() {
            let mut row = y[i];
            for k in 0..MAX_DIM {
                if k > i {
                    let f = l[k][i];
                    for c in 0..MAX_DIM {
                        row[c] -= f * y[k][c];
                    }
                }
            }
            for c in 0..MAX_DIM {
                y[i][c] = row[c] * l[i][i];
            }
        }
        for row in y.iter_mut() {
            for v in row.iter_mut() {
                *v *= self.sign;
            }
        }
    }

    /// D⁻¹ as a matrix.
    #[cfg(test)]
    pub fn inverse(&self) -> SmallMatrix {
        let mut out = SmallMatrix::ZERO;
        self.solve_block(&SmallMatrix::padded(0, 1.0), &mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close_to_identity(m: &SmallMatrix) {
        for i in 0..MAX_DIM {
            for j in 0..MAX_DIM {
                let expected = if i == j { 1.0 } else { 0.0 };
                assert!((m.m[i][j] - expected).abs() < 1e-4, "{m:?}");
            }
        }
    }

    fn product(a: &SmallMatrix, b: &SmallMatrix) -> SmallMatrix {
        let mut out = SmallMatrix::ZERO;
        for i in 0..MAX_DIM {
            for j in 0..MAX_DIM {
                out.m[i][j] = (0..MAX_DIM).map(|k| a.m[i][k] * b.m[k][j]).sum();
            }
        }
        out
    }

    #[test]
    fn inverse_of_an_indefinite_block() {
        let mut a = SmallMatrix::padded(3, 1.0);
        a.m[0][..3].copy_from_slice(&[2.0, 1.0, 0.0]);
        a.m[1][..3].copy_from_slice(&[1.0, -3.0, 1.0]);
        a.m[2][..3].copy_from_slice(&[0.0, 1.0, 0.5]);
        close_to_identity(&product(&a, &a.inverse(MAX_DIM).unwrap()));
        assert!(SmallMatrix::ZERO.inverse(MAX_DIM).is_none());
    }

    #[test]
    fn definite_factors_solve_both_signs() {
        let mut a = SmallMatrix::padded(3, 1.0);
        a.m[0][..3].copy_from_slice(&[4.0, 1.0, 0.5]);
        a.m[1][..3].copy_from_slice(&[1.0, 3.0, 0.2]);
        a.m[2][..3].copy_from_slice(&[0.5, 0.2, 2.0]);
        let f = DefiniteFactor::new(&a, true).unwrap();
        close_to_identity(&product(&a, &f.inverse()));
        let mut negative = a;
        negative.m.iter_mut().flatten().for_each(|v| *v = -*v);
        let f = DefiniteFactor::new(&negative, false).unwrap();
        close_to_identity(&product(&negative, &f.inverse()));
        assert!(DefiniteFactor::new(&negative, true).is_none());
    }
}
