//! Training from a stream while it is generated: a `DataStream` runs cart-poles under a
//! scripted teacher on a background thread, and this thread fits a linear policy to
//! fixed-length chunks of the episodes as they arrive (behaviour cloning by least squares).
//! The clone then balances fresh cart-poles on its own. The buffer between the two is
//! bounded: the producer waits when the fit falls behind, and stops when the stream is
//! dropped.
//!
//! ```text
//! cargo run --release --example stream_bc -- --frames 20000 --envs 64
//! ```

#[path = "stream_bc/cloning.rs"]
mod cloning;

use std::time::Instant;

use clap::Parser;
use cloning::{evaluate, teacher, LinearFit, TEACHER_GAINS};
use manyworlds::tasks::{CartPoleBalance, CartPoleSpec, EnvOptions};
use manyworlds::{DataStream, StreamOptions};

#[derive(Parser)]
#[command(about = "Behaviour cloning of a cart-pole teacher from a DataStream")]
struct Args {
    /// Frames to fit (in chunks of --chunk).
    #[arg(long, default_value_t = 20_000)]
    frames: usize,
    /// Cart-poles the producer steps together.
    #[arg(long, default_value_t = 64)]
    envs: usize,
    /// Frames per chunk.
    #[arg(long, default_value_t = 50)]
    chunk: usize,
    /// Episodes the stream holds before its producer waits.
    #[arg(long, default_value_t = 16)]
    capacity: usize,
    #[arg(long, default_value_t = 0)]
    seed: u64,
}

fn main() {
    let args = Args::parse();
    if let Err(error) = run(&args) {
        eprintln!("error: {error}");
        std::process::exit(1);
    }
}

fn run(args: &Args) -> Result<(), Box<dyn std::error::Error>> {
    let envs = args.envs.max(1);
    let make_env =
        move || CartPoleBalance::new(CartPoleSpec::default(), envs, &EnvOptions::default());
    let options = StreamOptions {
        seed: args.seed,
        capacity: args.capacity,
    };
    let began = Instant::now();
    let mut stream = DataStream::spawn(make_env, teacher, options)?;
    let mut fit = LinearFit::new(stream.observation_size());
    let mut chunks = 0;
    for chunk in stream.chunks(args.chunk) {
        fit.add(&chunk?);
        chunks += 1;
        if chunks * args.chunk >= args.frames {
            break;
        }
    }
    let produced = stream.produced();
    drop(stream);
    let (gains, bias) = fit
        .solve()
        .ok_or("the frames do not determine a linear policy")?;
    println!(
        "fitted on {} unclamped frames of {chunks} chunks in {:.2} s ({produced} episodes produced)",
        fit.frames,
        began.elapsed().as_secs_f64()
    );
    println!("teacher gains {TEACHER_GAINS:?}");
    println!("clone   gains {gains:.4?}, bias {bias:.2e}");

    // The clone alone, on seeds the teacher never saw.
    let returns = evaluate(&gains, bias, args.seed + 1_000_003, 16)?;
    let mean = returns.iter().sum::<f32>() / returns.len() as f32;
    println!(
        "clone's return over {} fresh episodes: mean {mean:.1} (500 is the most)",
        returns.len()
    );
    Ok(())
}
