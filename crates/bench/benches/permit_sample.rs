//! Criterion benchmarks of the permit desk's daily sample (DOMAIN.md case 7): the hub's draw at
//! 日结 and the desk's verification of it, for a busy service point's day of 1 000
//! applications (Changyuan takes about 71 500 a year, some 280 a working day).

use casedesk_domain::credit::CreditCode;
use casedesk_domain::permit::sample::{commitment, draw, verify, Candidate};
use criterion::{criterion_group, criterion_main, Criterion};

/// A day of `n` applications with the mix the on-top rule meets: some first applications,
/// some yellow and red codes, a few listed carriers.
fn day(n: usize) -> Vec<Candidate> {
    (0..n)
        .map(|i| Candidate {
            application_id: format!("DJ20261130{i:07}"),
            carrier_code: match i % 20 {
                0 => Some(CreditCode::Red),
                1..=3 => Some(CreditCode::Yellow),
                _ => Some(CreditCode::Green),
            },
            carrier_listed: i % 97 == 0,
            first_application: i % 13 == 0,
        })
        .collect()
}

fn sample(c: &mut Criterion) {
    let seed = [0x5au8; 32];
    let committed = commitment(&seed);
    let applications = day(1_000);
    c.bench_function("permit_draw_1000_applications", |b| {
        b.iter(|| draw(&seed, &applications).expect("draw"))
    });
    let drawn = draw(&seed, &applications).expect("draw");
    c.bench_function("permit_verify_1000_applications", |b| {
        b.iter(|| verify(&committed, &seed, &applications, &drawn).expect("verify"))
    });
}

criterion_group!(benches, sample);
criterion_main!(benches);
