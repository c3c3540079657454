//! Statistics for perf claims: percentiles of latency samples, and the one-sided Mann-Whitney U test
//! and Hodges-Lehmann shift the wall check uses. Input: samples in ms; output: numbers. Pure.

use std::collections::BTreeMap;

/// Statistics a claim can bound.
pub const METRICS: &[&str] = &["p50", "p95", "p99", "mean", "max"];

/// Percentile (nearest rank) of sorted samples; 0 for none.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Every metric of `METRICS` over the samples (ms).
pub fn summarize(samples_ms: &[f64]) -> BTreeMap<String, f64> {
    let mut ms = samples_ms.to_vec();
    ms.sort_by(f64::total_cmp);
    let mean = if ms.is_empty() {
        0.0
    } else {
        ms.iter().sum::<f64>() / ms.len() as f64
    };
    BTreeMap::from([
        ("p50".to_owned(), percentile(&ms, 50.0)),
        ("p95".to_owned(), percentile(&ms, 95.0)),
        ("p99".to_owned(), percentile(&ms, 99.0)),
        ("mean".to_owned(), mean),
        ("max".to_owned(), ms.last().copied().unwrap_or(0.0)),
    ])
}

/// One-sided Mann-Whitney U test: the probability of seeing `current` rank this far above
/// `baseline` if both came from the same distribution (normal approximation with tie correction).
/// Small values mean `current` is stochastically slower. 1.0 when either side is empty.
pub fn mann_whitney_slower_p(current: &[f64], baseline: &[f64]) -> f64 {
    let (n1, n2) = (current.len() as f64, baseline.len() as f64);
    if current.is_empty() || baseline.is_empty() {
        return 1.0;
    }
    let mut all: Vec<(f64, bool)> = current
        .iter()
        .map(|&v| (v, true))
        .chain(baseline.iter().map(|&v| (v, false)))
        .collect();
    all.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Average ranks over ties; sum of t^3 - t for the variance correction.
    let (mut rank_sum_current, mut tie_term) = (0.0, 0.0);
    let mut i = 0;
    while i < all.len() {
        let mut j = i;
        while j + 1 < all.len() && all[j + 1].0 == all[i].0 {
            j += 1;
        }
        let average_rank = (i + j) as f64 / 2.0 + 1.0;
        let ties = (j - i + 1) as f64;
        tie_term += ties * ties * ties - ties;
        rank_sum_current += all[i..=j].iter().filter(|x| x.1).count() as f64 * average_rank;
        i = j + 1;
    }
    let u = rank_sum_current - n1 * (n1 + 1.0) / 2.0;
    let n = n1 + n2;
    let mean = n1 * n2 / 2.0;
    let variance = n1 * n2 / 12.0 * ((n + 1.0) - tie_term / (n * (n - 1.0)));
    if variance <= 0.0 {
        return 1.0;
    }
    // Continuity correction towards the mean.
    let z = (u - mean - 0.5) / variance.sqrt();
    upper_tail_normal(z)
}

/// Hodges-Lehmann estimate of how much `current` is shifted above `baseline`: the median of all
/// pairwise differences `current[i] - baseline[j]`. A few slow samples (load) barely move it; a
/// delay every run pays (a sleep) moves it by that delay. 0 when either side is empty.
pub fn hodges_lehmann_shift(current: &[f64], baseline: &[f64]) -> f64 {
    let mut differences: Vec<f64> = current
        .iter()
        .flat_map(|c| baseline.iter().map(move |b| c - b))
        .collect();
    if differences.is_empty() {
        return 0.0;
    }
    differences.sort_by(f64::total_cmp);
    let n = differences.len();
    if n % 2 == 1 {
        differences[n / 2]
    } else {
        (differences[n / 2 - 1] + differences[n / 2]) / 2.0
    }
}

/// The median of samples (mean of the middle two for an even number); 0 for none.
pub fn median(samples: &[f64]) -> f64 {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    match n {
        0 => 0.0,
        _ if n % 2 == 1 => sorted[n / 2],
        _ => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

/// P(Z > z) for a standard normal Z (Abramowitz-Stegun 7.1.26 erfc, error below 1.5e-7).
fn upper_tail_normal(z: f64) -> f64 {
    let x = z / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.327_591_1 * x.abs());
    let poly = t
        * (0.254_829_592
            + t * (-0.284_496_736
                + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    let erfc_abs = poly * (-x * x).exp();
    let erfc = if x >= 0.0 { erfc_abs } else { 2.0 - erfc_abs };
    erfc / 2.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_by_nearest_rank() {
        let samples: Vec<f64> = (1..=100).map(f64::from).collect();
        let s = summarize(&samples);
        assert_eq!((s["p50"], s["p95"], s["max"]), (50.0, 95.0, 100.0));
    }

    #[test]
    fn mann_whitney_sees_a_shift_and_not_noise() {
        let base: Vec<f64> = (0..30).map(|i| 10.0 + f64::from(i % 7) * 0.3).collect();
        let same: Vec<f64> = (0..30)
            .map(|i| 10.0 + f64::from((i + 3) % 7) * 0.3)
            .collect();
        let slower: Vec<f64> = base.iter().map(|v| v * 2.0).collect();
        let faster: Vec<f64> = base.iter().map(|v| v / 2.0).collect();
        assert!(mann_whitney_slower_p(&same, &base) > 0.2);
        assert!(mann_whitney_slower_p(&slower, &base) < 1e-6);
        assert!(mann_whitney_slower_p(&faster, &base) > 0.99);
        assert!((upper_tail_normal(0.0) - 0.5).abs() < 1e-6);
        assert!((upper_tail_normal(3.0) - 0.001_35).abs() < 1e-5);
    }

    #[test]
    fn hodges_lehmann_sees_a_shift_through_outliers() {
        let base: Vec<f64> = (0..20).map(|i| 8.0 + f64::from(i % 5)).collect();
        let mut loaded = base.clone();
        // Load: a quarter of the samples waited much longer; the shift stays small.
        loaded[..5].iter_mut().for_each(|v| *v += 200.0);
        assert!(hodges_lehmann_shift(&loaded, &base) < 2.0);
        let slept: Vec<f64> = base.iter().map(|v| v + 15.0).collect();
        assert_eq!(hodges_lehmann_shift(&slept, &base), 15.0);
        assert_eq!(hodges_lehmann_shift(&[], &base), 0.0);
        assert_eq!((median(&[3.0, 1.0, 2.0]), median(&[4.0, 1.0])), (2.0, 2.5));
    }
}
