//! The day's random sample (每日随机抽查) of fast-track applications: at least 10% of the day's
//! applications, rounded up (one at least when there is any), drawn so that nobody can steer it
//! and anybody can check it afterwards (docs/decisions.md, "The daily permit sample").
//!
//! Commit and reveal: the hub draws a secret seed for the day and publishes its commitment,
//! the hex SHA-256 of the seed ([`commitment`]), before the day's first application. At daily
//! closure it reveals the seed. The draw is a pure function of the seed and the day's list
//! ([`draw`]): every application is ranked by SHA-256(seed ‖ application id) and the first `k`
//! are drawn. Nobody who knows the list but not the seed can tell which will be drawn; once the
//! seed is revealed anybody can recompute the draw ([`verify`]) and check that the seed is the
//! one committed to. The order of the list does not matter.
//!
//! On top of the random share, applications from carriers with a yellow or red credit code, on
//! the dishonest-enterprise list, or applying for the first time are always checked. They are
//! reported separately with their reasons and never take a place of the random share: the random
//! share is drawn from the whole list regardless of these flags, so it can be checked from the
//! seed and the application ids alone.

use std::collections::BTreeSet;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::credit::CreditCode;

/// Shortest accepted seed: 128 bits cannot be guessed from the commitment.
pub const MIN_SEED_BYTES: usize = 16;

/// Percentage of the day's applications drawn at random (rounded up).
pub const SAMPLE_PERCENT: usize = 10;

/// One application of the day, with what the on-top rule looks at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    pub application_id: String,
    /// The carrier's credit code this quarter, if it has one.
    pub carrier_code: Option<CreditCode>,
    /// The carrier is on the dishonest-enterprise list today (any grade).
    pub carrier_listed: bool,
    /// The carrier's first application at this service point.
    pub first_application: bool,
}

/// Why an application is checked on top of the random share.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ts_rs::TS,
)]
#[serde(rename_all = "snake_case")]
pub enum OnTopReason {
    RedCode,
    YellowCode,
    DishonestList,
    FirstApplication,
}

impl OnTopReason {
    pub fn code(self) -> &'static str {
        match self {
            OnTopReason::RedCode => "red_code",
            OnTopReason::YellowCode => "yellow_code",
            OnTopReason::DishonestList => "dishonest_list",
            OnTopReason::FirstApplication => "first_application",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            OnTopReason::RedCode => "红码企业",
            OnTopReason::YellowCode => "黄码企业",
            OnTopReason::DishonestList => "失信企业库",
            OnTopReason::FirstApplication => "首次申报",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            OnTopReason::RedCode => "red credit code",
            OnTopReason::YellowCode => "yellow credit code",
            OnTopReason::DishonestList => "on the dishonest-enterprise list",
            OnTopReason::FirstApplication => "first application",
        }
    }
}

/// An application added on top of the random share, with every reason that applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct OnTop {
    pub application_id: String,
    pub reasons: Vec<OnTopReason>,
}

/// The day's draw, as stored and shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Draw {
    /// Applications in the day's list.
    pub applications: usize,
    /// The random share, best rank first.
    pub random: Vec<String>,
    /// Flagged applications not in the random share, in id order.
    pub on_top: Vec<OnTop>,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SampleError {
    #[error("the seed is {len} bytes; at least {min} are needed")]
    SeedTooShort { len: usize, min: usize },
    #[error("an application in the day's list has an empty id")]
    EmptyApplicationId,
    #[error("application {id} appears more than once in the day's list")]
    DuplicateApplication { id: String },
    #[error("{text:?} is not a commitment (64 hexadecimal digits of SHA-256)")]
    MalformedCommitment { text: String },
    #[error("the revealed seed does not match the commitment published for the day")]
    SeedDoesNotMatchCommitment,
    #[error("the stored draw differs from the draw recomputed from the seed and the list")]
    DrawDiffers,
    #[error("the commitment was published at {published_at}, not before the day's first application at {first_application_at}")]
    CommittedTooLate {
        published_at: NaiveDateTime,
        first_application_at: NaiveDateTime,
    },
}

impl SampleError {
    pub fn code(&self) -> &'static str {
        match self {
            SampleError::SeedTooShort { .. } => "sample_seed_too_short",
            SampleError::EmptyApplicationId => "sample_empty_application_id",
            SampleError::DuplicateApplication { .. } => "sample_duplicate_application",
            SampleError::MalformedCommitment { .. } => "sample_malformed_commitment",
            SampleError::SeedDoesNotMatchCommitment => "sample_seed_does_not_match_commitment",
            SampleError::DrawDiffers => "sample_draw_differs",
            SampleError::CommittedTooLate { .. } => "sample_committed_too_late",
        }
    }
}

/// The commitment published before the day's first application: hex SHA-256 of the seed.
pub fn commitment(seed: &[u8]) -> String {
    hex::encode(Sha256::digest(seed))
}

/// Checks that the commitment was published strictly before the day's first application
/// arrived (a day without applications has nothing to check): a seed chosen after the list
/// began could be chosen to spare someone.
pub fn check_committed_in_time(
    published_at: NaiveDateTime,
    first_application_at: Option<NaiveDateTime>,
) -> Result<(), SampleError> {
    match first_application_at {
        Some(first) if published_at >= first => Err(SampleError::CommittedTooLate {
            published_at,
            first_application_at: first,
        }),
        _ => Ok(()),
    }
}

/// How many applications the random share holds: 10% of `n` rounded up, so at least one
/// whenever there is any.
pub fn random_share_size(n: usize) -> usize {
    n.saturating_mul(SAMPLE_PERCENT).div_ceil(100)
}

/// SHA-256(seed ‖ id): the application's place in the day's ranking.
fn rank_key(seed: &[u8], id: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(seed);
    h.update(id.as_bytes());
    h.finalize().into()
}

/// Why an application is checked on top of the random share (empty: it is not).
pub fn on_top_reasons(c: &Candidate) -> Vec<OnTopReason> {
    let mut reasons = Vec::new();
    match c.carrier_code {
        Some(CreditCode::Red) => reasons.push(OnTopReason::RedCode),
        Some(CreditCode::Yellow) => reasons.push(OnTopReason::YellowCode),
        Some(CreditCode::Green) | None => {}
    }
    if c.carrier_listed {
        reasons.push(OnTopReason::DishonestList);
    }
    if c.first_application {
        reasons.push(OnTopReason::FirstApplication);
    }
    reasons
}

/// Draws the day's sample from `seed` and the day's applications (in any order).
pub fn draw(seed: &[u8], applications: &[Candidate]) -> Result<Draw, SampleError> {
    if seed.len() < MIN_SEED_BYTES {
        return Err(SampleError::SeedTooShort {
            len: seed.len(),
            min: MIN_SEED_BYTES,
        });
    }
    let mut seen = BTreeSet::new();
    for c in applications {
        if c.application_id.is_empty() {
            return Err(SampleError::EmptyApplicationId);
        }
        if !seen.insert(c.application_id.as_str()) {
            return Err(SampleError::DuplicateApplication {
                id: c.application_id.clone(),
            });
        }
    }
    let mut ranked: Vec<([u8; 32], &str)> = applications
        .iter()
        .map(|c| (rank_key(seed, &c.application_id), c.application_id.as_str()))
        .collect();
    // Ties (a SHA-256 collision) are broken by id, so the order never depends on the list's.
    ranked.sort_unstable();
    let k = random_share_size(applications.len());
    let random: Vec<String> = ranked
        .iter()
        .take(k)
        .map(|(_, id)| (*id).to_string())
        .collect();
    let drawn: BTreeSet<&str> = random.iter().map(String::as_str).collect();
    let mut on_top: Vec<OnTop> = applications
        .iter()
        .filter(|c| !drawn.contains(c.application_id.as_str()))
        .filter_map(|c| {
            let reasons = on_top_reasons(c);
            (!reasons.is_empty()).then(|| OnTop {
                application_id: c.application_id.clone(),
                reasons,
            })
        })
        .collect();
    on_top.sort_by(|a, b| a.application_id.cmp(&b.application_id));
    Ok(Draw {
        applications: applications.len(),
        random,
        on_top,
    })
}

/// Checks a day after its seed is revealed: the seed is the one committed to, and the stored
/// draw is the one the seed and the list give.
pub fn verify(
    committed: &str,
    seed: &[u8],
    applications: &[Candidate],
    stored: &Draw,
) -> Result<(), SampleError> {
    let committed_bytes: [u8; 32] = hex::decode(committed.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| SampleError::MalformedCommitment {
            text: committed.to_string(),
        })?;
    let actual: [u8; 32] = Sha256::digest(seed).into();
    if actual != committed_bytes {
        return Err(SampleError::SeedDoesNotMatchCommitment);
    }
    if draw(seed, applications)? != *stored {
        return Err(SampleError::DrawDiffers);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    const SEED: &[u8] = b"2026-11-30 changyuan seed 0001";

    fn plain(id: &str) -> Candidate {
        Candidate {
            application_id: id.to_string(),
            carrier_code: Some(CreditCode::Green),
            carrier_listed: false,
            first_application: false,
        }
    }

    fn day(n: usize) -> Vec<Candidate> {
        (0..n)
            .map(|i| plain(&format!("DJ20261130{i:04}")))
            .collect()
    }

    #[test]
    fn the_commitment_is_the_hex_sha256_of_the_seed() {
        // SHA-256("abc"), FIPS 180-2 appendix B.1.
        assert_eq!(
            commitment(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn the_commitment_must_precede_the_first_application() {
        let t = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").expect("test time");
        assert_eq!(
            check_committed_in_time(t("2026-11-30 00:00:00"), Some(t("2026-11-30 08:01:00"))),
            Ok(())
        );
        assert_eq!(
            check_committed_in_time(t("2026-11-30 09:00:00"), None),
            Ok(())
        );
        assert_eq!(
            check_committed_in_time(t("2026-11-30 08:01:00"), Some(t("2026-11-30 08:01:00")))
                .map_err(|e| e.code()),
            Err("sample_committed_too_late")
        );
    }

    #[test]
    fn the_share_is_ten_percent_rounded_up() {
        let sizes: Vec<usize> = [0, 1, 9, 10, 11, 20, 21, 100, 1000]
            .into_iter()
            .map(random_share_size)
            .collect();
        assert_eq!(sizes, vec![0, 1, 1, 1, 2, 2, 3, 10, 100]);
        assert_eq!(draw(SEED, &[]).expect("empty day").random.len(), 0);
    }

    #[test]
    fn the_draw_ranks_by_sha256_of_seed_and_id() {
        // Recomputed by hand with the sha2 crate: the lowest SHA-256(seed ‖ id) is drawn.
        let apps = day(5);
        let best = apps
            .iter()
            .map(|c| {
                let mut bytes = SEED.to_vec();
                bytes.extend_from_slice(c.application_id.as_bytes());
                (
                    hex::encode(Sha256::digest(&bytes)),
                    c.application_id.clone(),
                )
            })
            .min()
            .expect("five applications")
            .1;
        assert_eq!(draw(SEED, &apps).expect("draw").random, vec![best]);
    }

    #[test]
    fn bad_input_is_refused() {
        assert_eq!(
            draw(b"short", &day(3)),
            Err(SampleError::SeedTooShort { len: 5, min: 16 })
        );
        let mut dup = day(3);
        dup.push(plain("DJ202611300001"));
        assert_eq!(
            draw(SEED, &dup).map_err(|e| e.code()),
            Err("sample_duplicate_application")
        );
        assert_eq!(
            draw(SEED, &[plain("")]),
            Err(SampleError::EmptyApplicationId)
        );
    }

    #[test]
    fn on_top_carriers_are_added_with_their_reasons() {
        let mut apps = day(30);
        apps[3].carrier_code = Some(CreditCode::Red);
        apps[3].first_application = true;
        apps[7].carrier_code = Some(CreditCode::Yellow);
        apps[11].carrier_listed = true;
        apps[12].carrier_code = None;
        apps[12].first_application = true;
        let d = draw(SEED, &apps).expect("draw");
        assert_eq!(d.random.len(), 3);
        let mut expected: BTreeMap<&str, Vec<OnTopReason>> = BTreeMap::from([
            (
                "DJ202611300003",
                vec![OnTopReason::RedCode, OnTopReason::FirstApplication],
            ),
            ("DJ202611300007", vec![OnTopReason::YellowCode]),
            ("DJ202611300011", vec![OnTopReason::DishonestList]),
            ("DJ202611300012", vec![OnTopReason::FirstApplication]),
        ]);
        // A flagged application the random share drew is not counted twice.
        expected.retain(|id, _| !d.random.iter().any(|r| r == id));
        let got: BTreeMap<&str, Vec<OnTopReason>> = d
            .on_top
            .iter()
            .map(|o| (o.application_id.as_str(), o.reasons.clone()))
            .collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn verify_accepts_the_true_draw_and_refuses_anything_else() {
        let apps = day(25);
        let c = commitment(SEED);
        let d = draw(SEED, &apps).expect("draw");
        assert_eq!(verify(&c, SEED, &apps, &d), Ok(()));
        assert_eq!(verify(&c.to_uppercase(), SEED, &apps, &d), Ok(()));
        assert_eq!(
            verify(&c, b"another seed of the same day", &apps, &d),
            Err(SampleError::SeedDoesNotMatchCommitment)
        );
        // A stored draw with one application swapped for another.
        let mut forged = d.clone();
        let outsider = apps
            .iter()
            .find(|a| !d.random.contains(&a.application_id))
            .expect("25 applications, 3 drawn");
        forged.random[0] = outsider.application_id.clone();
        assert_eq!(
            verify(&c, SEED, &apps, &forged),
            Err(SampleError::DrawDiffers)
        );
        // An application removed from the list after the fact changes the draw's inputs.
        assert_eq!(
            verify(&c, SEED, &apps[1..], &d),
            Err(SampleError::DrawDiffers)
        );
        assert!(matches!(
            verify("not hex", SEED, &apps, &d),
            Err(SampleError::MalformedCommitment { .. })
        ));
        assert!(matches!(
            verify(&c[..62], SEED, &apps, &d),
            Err(SampleError::MalformedCommitment { .. })
        ));
    }

    #[test]
    fn the_draw_spreads_evenly_over_many_seeds() {
        // 20 applications, 2 drawn a day, 4 000 seeds: each is drawn 400 times on average.
        let apps = day(20);
        let mut hits: BTreeMap<String, u32> = BTreeMap::new();
        for s in 0u32..4000 {
            let seed = format!("seed number {s:08} of the test").into_bytes();
            for id in draw(&seed, &apps).expect("draw").random {
                *hits.entry(id).or_default() += 1;
            }
        }
        assert_eq!(hits.len(), 20, "every application is drawn some day");
        for (id, n) in &hits {
            // Binomial(4000, 0.1): sd = 19; 320..480 is over 4 sd either side.
            assert!((320..=480).contains(n), "{id} drawn {n} times");
        }
    }

    fn candidates() -> impl Strategy<Value = Vec<Candidate>> {
        prop::collection::btree_set("[A-Z0-9]{1,12}", 1..300).prop_flat_map(|ids| {
            let n = ids.len();
            (
                Just(ids),
                prop::collection::vec((0u8..4, any::<bool>(), any::<bool>()), n),
            )
                .prop_map(|(ids, flags)| {
                    ids.into_iter()
                        .zip(flags)
                        .map(|(id, (code, listed, first))| Candidate {
                            application_id: id,
                            carrier_code: match code {
                                0 => None,
                                1 => Some(CreditCode::Green),
                                2 => Some(CreditCode::Yellow),
                                _ => Some(CreditCode::Red),
                            },
                            carrier_listed: listed,
                            first_application: first,
                        })
                        .collect()
                })
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn the_random_share_is_the_smallest_count_reaching_ten_percent(
            apps in candidates(),
            seed in prop::collection::vec(any::<u8>(), 16..48),
        ) {
            let n = apps.len();
            let k = draw(&seed, &apps).expect("draw").random.len();
            prop_assert!(k >= 1);
            prop_assert!(k * 10 >= n, "{k} of {n} is under 10%");
            prop_assert!((k - 1) * 10 < n, "{k} of {n}: one fewer would still reach 10%");
        }

        #[test]
        fn the_draw_is_a_subset_without_repeats_and_disjoint_from_on_top(
            apps in candidates(),
            seed in prop::collection::vec(any::<u8>(), 16..48),
        ) {
            let d = draw(&seed, &apps).expect("draw");
            let ids: BTreeSet<&str> = apps.iter().map(|a| a.application_id.as_str()).collect();
            let random: BTreeSet<&str> = d.random.iter().map(String::as_str).collect();
            prop_assert_eq!(random.len(), d.random.len(), "no application drawn twice");
            prop_assert!(random.is_subset(&ids));
            for o in &d.on_top {
                prop_assert!(ids.contains(o.application_id.as_str()));
                prop_assert!(!random.contains(o.application_id.as_str()));
                prop_assert!(!o.reasons.is_empty());
            }
            prop_assert_eq!(d.applications, apps.len());
        }

        #[test]
        fn the_same_seed_and_list_give_the_same_draw_in_any_order(
            apps in candidates(),
            seed in prop::collection::vec(any::<u8>(), 16..48),
            rotate in any::<prop::sample::Index>(),
        ) {
            let d = draw(&seed, &apps).expect("draw");
            prop_assert_eq!(&draw(&seed, &apps).expect("again"), &d);
            let mut shuffled = apps.clone();
            shuffled.reverse();
            let r = rotate.index(shuffled.len());
            shuffled.rotate_left(r);
            prop_assert_eq!(&draw(&seed, &shuffled).expect("shuffled"), &d);
            prop_assert_eq!(verify(&commitment(&seed), &seed, &shuffled, &d), Ok(()));
        }

        #[test]
        fn another_seed_gives_another_draw(
            apps in candidates().prop_filter("a day big enough", |a| a.len() >= 100),
            seed in prop::collection::vec(any::<u8>(), 16..48),
            other in prop::collection::vec(any::<u8>(), 16..48),
        ) {
            prop_assume!(seed != other);
            let a: BTreeSet<String> = draw(&seed, &apps).expect("draw").random.into_iter().collect();
            let b: BTreeSet<String> = draw(&other, &apps).expect("draw").random.into_iter().collect();
            // At least 10 of 100 or more: the same set by chance is below 1 in 10^13.
            prop_assert_ne!(a, b);
        }

        #[test]
        fn flags_add_on_top_and_never_change_the_random_share(
            apps in candidates(),
            seed in prop::collection::vec(any::<u8>(), 16..48),
        ) {
            let d = draw(&seed, &apps).expect("draw");
            let unflagged: Vec<Candidate> = apps
                .iter()
                .map(|a| Candidate { carrier_code: None, carrier_listed: false, first_application: false, ..a.clone() })
                .collect();
            let base = draw(&seed, &unflagged).expect("draw");
            prop_assert_eq!(&d.random, &base.random);
            prop_assert!(base.on_top.is_empty());
            // Every flagged application is checked, by the random share or on top.
            let checked: BTreeSet<&str> = d
                .random
                .iter()
                .map(String::as_str)
                .chain(d.on_top.iter().map(|o| o.application_id.as_str()))
                .collect();
            for a in &apps {
                let flagged = matches!(a.carrier_code, Some(CreditCode::Red | CreditCode::Yellow))
                    || a.carrier_listed
                    || a.first_application;
                prop_assert_eq!(checked.contains(a.application_id.as_str()), flagged || d.random.contains(&a.application_id));
            }
        }
    }
}
