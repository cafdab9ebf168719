//! How the benchmarks print what they measured.
#![allow(dead_code)]

use std::time::Duration;

pub fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    samples[((samples.len() as f64 - 1.0) * p).round() as usize]
}

/// One line: the label, p50 and p99 of the samples, how many, and the target they are held to.
pub fn report(label: &str, samples: &mut [Duration], target: &str) {
    if samples.is_empty() {
        println!("{label:<62} no samples (target {target})");
        return;
    }
    let (p50, p99) = (percentile(samples, 0.50), percentile(samples, 0.99));
    println!("{label:<62} p50 {:>10.3?}  p99 {:>10.3?}  (n={}; target {target})", p50, p99, samples.len());
}

/// This process's resident memory now and at its peak, in MiB (Linux; zero elsewhere).
pub fn memory() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map_or(0.0, |kib| kib / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}
