//! The rayon pool of `--threads`.

use crate::error::CliError;

/// A pool of `threads` workers (one per core when `None`).
pub fn thread_pool(threads: Option<usize>) -> Result<rayon::ThreadPool, CliError> {
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(threads) = threads {
        pool = pool.num_threads(threads);
    }
    pool.build()
        .map_err(|source| CliError::ThreadPool { threads, source })
}
