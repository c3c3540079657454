//! The query threads of `ax serve`: one per core, each taking the next query from one queue, first
//! come first served (decision 0109). Input is a query (a closure); output is its result, handed
//! back to the request that waits for it.
//!
//! Eight queries sharing two cores all finish late, and each query beyond the scoring tables the
//! index keeps (one per core) allocates and clears one of its own; a fixed set of threads runs
//! them one per core, and a thread that finishes a query starts the next at once.

use std::panic::AssertUnwindSafe;

type Job = Box<dyn FnOnce() + Send>;

pub struct QueryPool {
    queue: crossbeam_channel::Sender<Job>,
}

impl QueryPool {
    /// Starts `threads` query threads (at least one); they end when the pool is dropped.
    pub fn new(threads: usize) -> std::io::Result<QueryPool> {
        let threads = threads.max(1);
        let (queue, jobs) = crossbeam_channel::unbounded::<Job>();
        for index in 0..threads {
            let jobs = jobs.clone();
            std::thread::Builder::new()
                .name(format!("ax-serve-query-{index}"))
                .spawn(move || {
                    for job in jobs {
                        job();
                    }
                })?;
        }
        Ok(QueryPool { queue })
    }

    /// Runs `work` on the next free query thread and waits for its result; `None` if it panicked
    /// (the thread stays in the pool).
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Option<T> {
        let (answer, answered) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            if let Ok(value) = std::panic::catch_unwind(AssertUnwindSafe(work)) {
                let _ = answer.send(value);
            }
        });
        self.queue.send(job).ok()?;
        answered.await.ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime")
    }

    #[test]
    fn no_more_queries_run_at_once_than_the_pool_has_threads() {
        let pool = Arc::new(QueryPool::new(3).expect("pool"));
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        runtime().block_on(async {
            let queries: Vec<_> = (0..12)
                .map(|index| {
                    let (pool, running, most) =
                        (Arc::clone(&pool), Arc::clone(&running), Arc::clone(&most));
                    tokio::spawn(async move {
                        pool.run(move || {
                            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                            most.fetch_max(now, Ordering::SeqCst);
                            std::thread::sleep(std::time::Duration::from_millis(20));
                            running.fetch_sub(1, Ordering::SeqCst);
                            index
                        })
                        .await
                    })
                })
                .collect();
            for (index, query) in queries.into_iter().enumerate() {
                assert_eq!(query.await.expect("joined"), Some(index));
            }
        });
        // Every thread was used, never more queries than threads at once (on tokio's blocking
        // pool all twelve would sleep side by side).
        assert_eq!(most.load(Ordering::SeqCst), 3);
    }

    #[test]
    fn a_query_that_panics_answers_none_and_the_thread_goes_on() {
        let pool = QueryPool::new(1).expect("pool");
        runtime().block_on(async {
            assert_eq!(
                pool.run(|| -> u8 { panic!("a bug in a query") }).await,
                None
            );
            assert_eq!(pool.run(|| 7).await, Some(7));
        });
    }
}
