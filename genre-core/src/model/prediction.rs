//! Per-segment results and their aggregation into a track prediction.

use serde::Serialize;

/// How segment results combine into a track's genre.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Aggregation {
    /// Mean of the segment probabilities (the seed's behaviour).
    #[default]
    Mean,
    /// Each segment votes for its top class; `probabilities` are vote shares
    /// (ties go to the higher mean probability).
    Majority,
}

/// One segment's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SegmentPrediction {
    /// Most probable label.
    pub genre: String,
    /// Its probability.
    pub confidence: f32,
    /// Probabilities in label order.
    pub probabilities: Vec<f32>,
}

/// A track's result: the aggregated genre plus every segment's.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Prediction {
    /// The winning label.
    pub genre: String,
    /// Its aggregated probability (or vote share).
    pub confidence: f32,
    /// Every label with its aggregated probability, in label order.
    pub probabilities: Vec<(String, f32)>,
    /// Per-segment results, in time order.
    pub segments: Vec<SegmentPrediction>,
}

impl Prediction {
    /// The `k` most probable labels, best first.
    ///
    /// ```
    /// use genre_core::model::Prediction;
    /// let p = Prediction {
    ///     genre: "jazz".into(),
    ///     confidence: 0.7,
    ///     probabilities: vec![("blues".into(), 0.2), ("jazz".into(), 0.7), ("rock".into(), 0.1)],
    ///     segments: vec![],
    /// };
    /// assert_eq!(p.top(2), vec![("jazz", 0.7), ("blues", 0.2)]);
    /// ```
    pub fn top(&self, k: usize) -> Vec<(&str, f32)> {
        let mut all: Vec<(&str, f32)> = self
            .probabilities
            .iter()
            .map(|(l, p)| (l.as_str(), *p))
            .collect();
        all.sort_by(|a, b| b.1.total_cmp(&a.1));
        all.truncate(k);
        all
    }
}

/// Index of the largest value (first on ties); 0 for an empty slice.
pub(crate) fn argmax(xs: &[f32]) -> usize {
    let mut best = 0;
    for (i, x) in xs.iter().enumerate() {
        if xs.get(best).is_some_and(|b| x > b) {
            best = i;
        }
    }
    best
}

/// In-place softmax of one row, computed in f64.
pub(crate) fn softmax(row: &mut [f32]) {
    let max = row.iter().fold(f32::NEG_INFINITY, |m, &x| m.max(x));
    let exps: Vec<f64> = row.iter().map(|&x| f64::from(x - max).exp()).collect();
    let sum: f64 = exps.iter().sum();
    for (x, e) in row.iter_mut().zip(exps) {
        *x = (e / sum) as f32;
    }
}

/// Builds a [`Prediction`] from `n × labels.len()` row-major probabilities.
pub(crate) fn aggregate(labels: &[String], probs: &[f32], how: Aggregation) -> Prediction {
    let c = labels.len().max(1);
    let label = |i: usize| labels.get(i).cloned().unwrap_or_default();
    let segments: Vec<SegmentPrediction> = probs
        .chunks_exact(c)
        .map(|row| {
            let i = argmax(row);
            SegmentPrediction {
                genre: label(i),
                confidence: row.get(i).copied().unwrap_or(0.0),
                probabilities: row.to_vec(),
            }
        })
        .collect();
    let n = segments.len().max(1) as f64;
    let mut mean = vec![0f64; c];
    for s in &segments {
        for (m, p) in mean.iter_mut().zip(&s.probabilities) {
            *m += f64::from(*p);
        }
    }
    let mean: Vec<f32> = mean.iter().map(|m| (m / n) as f32).collect();
    let scores = match how {
        Aggregation::Mean => mean,
        Aggregation::Majority => {
            let mut votes = vec![0f32; c];
            for s in &segments {
                if let Some(v) = votes.get_mut(argmax(&s.probabilities)) {
                    *v += 1.0;
                }
            }
            // Break ties by mean probability without changing the shares.
            let best = (0..c)
                .max_by(|&a, &b| {
                    votes[a]
                        .total_cmp(&votes[b])
                        .then(mean[a].total_cmp(&mean[b]))
                })
                .unwrap_or(0);
            let shares: Vec<f32> = votes.iter().map(|v| v / n as f32).collect();
            return finish(labels, shares, best, segments);
        }
    };
    let best = argmax(&scores);
    finish(labels, scores, best, segments)
}

fn finish(
    labels: &[String],
    scores: Vec<f32>,
    best: usize,
    segments: Vec<SegmentPrediction>,
) -> Prediction {
    Prediction {
        genre: labels.get(best).cloned().unwrap_or_default(),
        confidence: scores.get(best).copied().unwrap_or(0.0),
        probabilities: labels.iter().cloned().zip(scores).collect(),
        segments,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels() -> Vec<String> {
        ["a", "b", "c"].iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn mean_and_majority_can_disagree() {
        // Two segments lean "a" weakly, one is sure of "c".
        let probs = [0.4, 0.3, 0.3, 0.4, 0.3, 0.3, 0.0, 0.0, 1.0];
        let mean = aggregate(&labels(), &probs, Aggregation::Mean);
        assert_eq!(mean.genre, "c");
        assert!((mean.confidence - 1.6 / 3.0).abs() < 1e-6);
        let vote = aggregate(&labels(), &probs, Aggregation::Majority);
        assert_eq!(vote.genre, "a");
        assert!((vote.confidence - 2.0 / 3.0).abs() < 1e-6);
        assert_eq!(vote.segments.len(), 3);
        assert_eq!(vote.segments[2].genre, "c");
    }

    #[test]
    fn majority_tie_goes_to_higher_mean() {
        let probs = [0.5, 0.4, 0.1, 0.1, 0.9, 0.0];
        assert_eq!(
            aggregate(&labels(), &probs, Aggregation::Majority).genre,
            "b"
        );
    }

    #[test]
    fn softmax_is_stable() {
        let mut row = [1000.0, 1000.0, -1000.0];
        softmax(&mut row);
        assert!((row[0] - 0.5).abs() < 1e-7 && row[2] == 0.0);
    }
}
