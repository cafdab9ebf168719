//! Warden's decision beside Cedar's (cedar-policy 4) on the same model: an organization tree
//! with access flags, roles of allow and deny statements, and users holding roles here and
//! there (tests/integration/cedar/model.rs builds both; the integration test checks that they
//! agree). Prints p50/p99 per decision and the ratio; asserts nothing.
//!
//!     cargo bench --features ssr --bench cedar
//!
//! Warden is timed on its pure decision over the paths and grants its cache holds; Cedar on
//! `Authorizer::is_authorized` with every entity loaded, once with the whole policy set and
//! once with only the principal's policies (as a deployment that slices per request would).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/integration/cedar/model.rs"]
mod model;

use std::time::{Duration, Instant};

use model::{CedarSide, Model, Question, WardenSide};

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    samples[((samples.len() as f64 - 1.0) * p).round() as usize]
}

fn time(questions: &[Question], decide: impl Fn(&Question) -> bool) -> (Duration, Duration) {
    for question in questions.iter().take(200) {
        std::hint::black_box(decide(question));
    }
    let mut samples: Vec<Duration> = questions
        .iter()
        .map(|question| {
            let started = Instant::now();
            std::hint::black_box(decide(question));
            started.elapsed()
        })
        .collect();
    (percentile(&mut samples, 0.50), percentile(&mut samples, 0.99))
}

fn main() {
    // 10,000 organizations, 200 roles, 2,000 users holding 2.5 roles each on average.
    let model = Model::random(42, 10_000, 200, 2_000);
    let questions = model.questions(43, 20_000);
    let started = Instant::now();
    let warden = WardenSide::new(&model);
    println!("Warden model built in {:.1?}", started.elapsed());
    let started = Instant::now();
    let cedar = CedarSide::new(&model);
    println!("Cedar model built in {:.1?}: {} policies", started.elapsed(), cedar.policy_count());
    let sliced = CedarSide::sliced(&model);
    let disagreements = questions.iter().filter(|q| warden.decide(q) != sliced.decide(q)).count();
    println!("answers that differ: {disagreements} of {}", questions.len());

    let (warden_p50, warden_p99) = time(&questions, |q| warden.decide(q));
    println!("{:<52} p50 {:>10.3?}  p99 {:>10.3?}", "Warden, decision", warden_p50, warden_p99);
    // Cedar reads every policy of the whole set on each request: 2,000 questions are enough.
    for (label, side, asked) in [
        ("Cedar, the principal's policies only", &sliced, &questions[..]),
        ("Cedar, whole policy set", &cedar, &questions[..2_000]),
    ] {
        let (p50, p99) = time(asked, |q| side.decide(q));
        println!(
            "{label:<52} p50 {p50:>10.3?}  p99 {p99:>10.3?}  (Cedar / Warden: {:.1}x p50, {:.1}x p99)",
            p50.as_secs_f64() / warden_p50.as_secs_f64(),
            p99.as_secs_f64() / warden_p99.as_secs_f64()
        );
    }
}
