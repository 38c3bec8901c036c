//! What the benchmark binaries share: how a figure is printed and read off a sorted sample.

/// One figure, as `NAME VALUE UNIT`.
pub fn figure(name: &str, value: f64, unit: &str) {
    println!("{name} {value:.3} {unit}");
}

/// The `p` quantile (0..=1) of an ascending sample (nearest rank).
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}
