//! Dense matrices of at most 6×6, for the blocks of the articulation solve (a body's 6
//! degrees of freedom, a joint's ≤ 6 rows). Row-major, with their used size.
// Index loops read like the textbook algorithms here.
#![allow(clippy::needless_range_loop)]

pub const MAX_DIM: usize = 6;

/// The blocks' scalar.
pub type Real = f64;

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SmallMatrix {
    pub rows: usize,
    pub cols: usize,
    pub m: [[Real; MAX_DIM]; MAX_DIM],
}

pub type SmallVector = [Real; MAX_DIM];

impl SmallMatrix {
    pub fn zeros(rows: usize, cols: usize) -> Self {
        SmallMatrix {
            rows,
            cols,
            m: [[0.0; MAX_DIM]; MAX_DIM],
        }
    }

    /// `self · x`.
    #[inline]
    pub fn mul_vec(&self, x: &SmallVector) -> SmallVector {
        let mut y = [0.0; MAX_DIM];
        for (i, yi) in y.iter_mut().enumerate().take(self.rows) {
            let row = &self.m[i];
            *yi = (0..self.cols).map(|j| row[j] * x[j]).sum();
        }
        y
    }

    /// `selfᵀ · x`.
    #[inline]
    pub fn transpose_mul_vec(&self, x: &SmallVector) -> SmallVector {
        let mut y = [0.0; MAX_DIM];
        for i in 0..self.rows {
            let (row, xi) = (&self.m[i], x[i]);
            for j in 0..self.cols {
                y[j] += row[j] * xi;
            }
        }
        y
    }

    /// `self · other`.
    pub fn mul(&self, other: &SmallMatrix) -> SmallMatrix {
        let mut out = SmallMatrix::zeros(self.rows, other.cols);
        for i in 0..self.rows {
            for k in 0..self.cols {
                let a = self.m[i][k];
                if a == 0.0 {
                    continue;
                }
                for j in 0..other.cols {
                    out.m[i][j] += a * other.m[k][j];
                }
            }
        }
        out
    }

    pub fn transpose(&self) -> SmallMatrix {
        let mut t = SmallMatrix::zeros(self.cols, self.rows);
        for i in 0..self.rows {
            for j in 0..self.cols {
                t.m[j][i] = self.m[i][j];
            }
        }
        t
    }

    /// `self -= aᵀ · b`.
    pub fn sub_transpose_mul(&mut self, a: &SmallMatrix, b: &SmallMatrix) {
        for k in 0..a.rows {
            for i in 0..a.cols {
                let aki = a.m[k][i];
                if aki == 0.0 {
                    continue;
                }
                for j in 0..b.cols {
                    self.m[i][j] -= aki * b.m[k][j];
                }
            }
        }
    }

    /// The inverse by Gauss–Jordan elimination with partial pivoting (the blocks may be
    /// indefinite), or None when singular.
    pub fn inverse(&self) -> Option<SmallMatrix> {
        let n = self.rows;
        let mut a = self.m;
        let mut inv = SmallMatrix::zeros(n, n);
        for i in 0..n {
            inv.m[i][i] = 1.0;
        }
        let scale = (0..n).map(|i| a[i][i].abs()).fold(0.0, Real::max);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inverse_of_an_indefinite_block() {
        let mut a = SmallMatrix::zeros(3, 3);
        a.m[0][..3].copy_from_slice(&[2.0, 1.0, 0.0]);
        a.m[1][..3].copy_from_slice(&[1.0, -3.0, 1.0]);
        a.m[2][..3].copy_from_slice(&[0.0, 1.0, 0.5]);
        let inv = a.inverse().unwrap();
        let id = a.mul(&inv);
        for i in 0..3 {
            for j in 0..3 {
                let expected = if i == j { 1.0 } else { 0.0 };
                assert!((id.m[i][j] - expected).abs() < 1e-5, "{id:?}");
            }
        }
        assert!(SmallMatrix::zeros(2, 2).inverse().is_none());
    }
}
