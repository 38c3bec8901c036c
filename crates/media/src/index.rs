//! The duplicate index: stored fingerprints, and for a new file the stored files it repeats and
//! how — the same bytes (SHA-256), the same picture (a photo re-encoded, resized or cropped a
//! little), or shared footage (a video whose sampled frames match another's).
//!
//! The 64-bit hashes sit in a multi-index hash (Norouzi et al.): each hash is cut into four
//! 16-bit chunks with a table per chunk. Two hashes within distance r agree within r/4 bits on
//! at least one chunk, so a lookup probes only the buckets near each chunk of the query
//! (17 per chunk for r = 6) and checks the few hashes there, instead of scanning every stored one.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use serde::Serialize;

use crate::kind::MediaKind;
use crate::phash::{self, SAME_PICTURE_MAX_DISTANCE};

/// Frame distance at or under which two sampled frames are the same picture (as for photos; a
/// re-encode at a quarter of the bitrate keeps 80 % or more of its frames within it, tested).
pub const SAME_FRAME_MAX_DISTANCE: u32 = 6;
/// A video repeats another when at least this many of its sampled frames match…
pub const MIN_SHARED_FRAMES: usize = 3;
/// …and they are at least this share (percent) of the shorter video's frames.
pub const MIN_SHARED_PERCENT: usize = 30;

/// A file's fingerprint, as stored and as looked up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fingerprint {
    pub sha256: String,
    pub kind: MediaKind,
    /// A photo's [`phash::picture_hashes`], or a video's sampled frame hashes; empty for a PDF.
    pub hashes: Vec<u64>,
}

/// How a new file repeats a stored one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(tag = "how", rename_all = "snake_case")]
#[ts(export)]
pub enum MatchHow {
    /// Byte for byte the same file.
    SameBytes,
    /// The same picture re-encoded, resized or cropped a little: bits apart (of 64).
    SamePicture { distance: u32 },
    /// Frames of the new video matching frames of the stored one, of the new video's frames.
    SharedFootage { shared_frames: u32, frames: u32 },
}

/// One stored file matched, by its position in the order fingerprints were added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Found {
    pub entry: usize,
    pub how: MatchHow,
}

/// Stored fingerprints, indexed for lookup.
#[derive(Debug, Default)]
pub struct DuplicateIndex {
    kinds: Vec<(MediaKind, usize)>,
    by_sha: HashMap<String, Vec<usize>>,
    hashes: MultiIndex,
}

impl DuplicateIndex {
    pub fn new() -> DuplicateIndex {
        DuplicateIndex::default()
    }

    /// Number of stored files.
    pub fn len(&self) -> usize {
        self.kinds.len()
    }

    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty()
    }

    /// Stores a fingerprint; its entry number is the count stored before it.
    pub fn add(&mut self, fp: &Fingerprint) -> usize {
        let entry = self.kinds.len();
        self.kinds.push((fp.kind, fp.hashes.len()));
        self.by_sha
            .entry(fp.sha256.clone())
            .or_default()
            .push(entry);
        for h in &fp.hashes {
            self.hashes.insert(*h, entry as u32);
        }
        entry
    }

    /// The stored files `fp` repeats, each once with the strongest way it matches, in entry order.
    pub fn find(&self, fp: &Fingerprint) -> Vec<Found> {
        let mut found: BTreeMap<usize, MatchHow> = BTreeMap::new();
        for &entry in self.by_sha.get(&fp.sha256).into_iter().flatten() {
            found.insert(entry, MatchHow::SameBytes);
        }
        match fp.kind {
            MediaKind::Photo => self.find_picture(fp, &mut found),
            MediaKind::Video => self.find_footage(fp, &mut found),
            MediaKind::Pdf => {}
        }
        found
            .into_iter()
            .map(|(entry, how)| Found { entry, how })
            .collect()
    }

    fn find_picture(&self, fp: &Fingerprint, found: &mut BTreeMap<usize, MatchHow>) {
        let mut closest: BTreeMap<usize, u32> = BTreeMap::new();
        for &h in &fp.hashes {
            self.hashes
                .near(h, SAME_PICTURE_MAX_DISTANCE, |stored, entry| {
                    let entry = entry as usize;
                    if self.kinds[entry].0 == MediaKind::Photo {
                        let d = phash::distance(h, stored);
                        let best = closest.entry(entry).or_insert(d);
                        *best = (*best).min(d);
                    }
                });
        }
        for (entry, distance) in closest {
            found
                .entry(entry)
                .or_insert(MatchHow::SamePicture { distance });
        }
    }

    fn find_footage(&self, fp: &Fingerprint, found: &mut BTreeMap<usize, MatchHow>) {
        // For each stored video, which of the new video's frames match one of its frames.
        let mut shared: BTreeMap<usize, Vec<bool>> = BTreeMap::new();
        for (i, &h) in fp.hashes.iter().enumerate() {
            self.hashes.near(h, SAME_FRAME_MAX_DISTANCE, |_, entry| {
                let entry = entry as usize;
                if self.kinds[entry].0 == MediaKind::Video {
                    shared
                        .entry(entry)
                        .or_insert_with(|| vec![false; fp.hashes.len()])[i] = true;
                }
            });
        }
        let frames = fp.hashes.len();
        for (entry, hits) in shared {
            let count = hits.iter().filter(|h| **h).count();
            let shorter = frames.min(self.kinds[entry].1).max(1);
            if count >= MIN_SHARED_FRAMES && count * 100 >= MIN_SHARED_PERCENT * shorter {
                found.entry(entry).or_insert(MatchHow::SharedFootage {
                    shared_frames: count as u32,
                    frames: frames as u32,
                });
            }
        }
    }
}

/// 64-bit hashes in four tables of 16-bit chunks.
#[derive(Debug)]
struct MultiIndex {
    items: Vec<(u64, u32)>,
    /// Per chunk, per 16-bit value, the positions in `items`.
    tables: [HashMap<u16, Vec<u32>>; 4],
}

impl Default for MultiIndex {
    fn default() -> MultiIndex {
        MultiIndex {
            items: Vec::new(),
            tables: std::array::from_fn(|_| HashMap::new()),
        }
    }
}

fn chunk(h: u64, k: usize) -> u16 {
    (h >> (16 * k)) as u16
}

/// The 16-bit masks with at most `bits` bits set (`bits` capped at 4), computed once.
fn masks(bits: u32) -> &'static [u16] {
    static MASKS: OnceLock<Vec<Vec<u16>>> = OnceLock::new();
    let all = MASKS.get_or_init(|| {
        (0..=4)
            .map(|b| (0..=u16::MAX).filter(|m| m.count_ones() <= b).collect())
            .collect()
    });
    &all[bits.min(4) as usize]
}

impl MultiIndex {
    fn insert(&mut self, h: u64, entry: u32) {
        let pos = self.items.len() as u32;
        self.items.push((h, entry));
        for (k, table) in self.tables.iter_mut().enumerate() {
            table.entry(chunk(h, k)).or_default().push(pos);
        }
    }

    /// Calls `hit(stored_hash, entry)` for each stored hash within `radius` of `h` (a stored
    /// hash may be reported more than once; callers keep the minimum).
    fn near(&self, h: u64, radius: u32, mut hit: impl FnMut(u64, u32)) {
        let masks = masks(radius / 4);
        for (k, table) in self.tables.iter().enumerate() {
            let c = chunk(h, k);
            for m in masks {
                let Some(positions) = table.get(&(c ^ m)) else {
                    continue;
                };
                for &p in positions {
                    let (stored, entry) = self.items[p as usize];
                    if phash::distance(h, stored) <= radius {
                        hit(stored, entry);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::SmallRng;
    use rand::{Rng, SeedableRng};

    fn photo(sha: &str, hashes: Vec<u64>) -> Fingerprint {
        Fingerprint {
            sha256: sha.into(),
            kind: MediaKind::Photo,
            hashes,
        }
    }

    /// The index finds exactly what a full scan of every pair finds.
    #[test]
    fn multi_index_lookup_agrees_with_a_full_scan() {
        let mut rng = SmallRng::seed_from_u64(7);
        let mut index = DuplicateIndex::new();
        let mut stored = Vec::new();
        for i in 0..5_000 {
            let base: u64 = rng.gen();
            let hashes: Vec<u64> = (0..6)
                .map(|_| base ^ (1u64 << rng.gen_range(0..64)))
                .collect();
            index.add(&photo(&format!("s{i}"), hashes.clone()));
            stored.push(hashes);
        }
        for q in 0..300 {
            // Queries near stored ones (flip up to 8 bits) and random ones.
            let query: Vec<u64> = if q % 2 == 0 {
                let mut h = stored[rng.gen_range(0..stored.len())][0];
                for _ in 0..rng.gen_range(0..9) {
                    h ^= 1u64 << rng.gen_range(0..64);
                }
                vec![h]
            } else {
                vec![rng.gen()]
            };
            let expected: Vec<usize> = stored
                .iter()
                .enumerate()
                .filter(|(_, s)| phash::closest(s, &query) <= SAME_PICTURE_MAX_DISTANCE)
                .map(|(i, _)| i)
                .collect();
            let got: Vec<usize> = index
                .find(&photo("new", query))
                .iter()
                .map(|f| f.entry)
                .collect();
            assert_eq!(got, expected);
        }
    }

    #[test]
    fn same_bytes_wins_over_same_picture() {
        let mut index = DuplicateIndex::new();
        index.add(&photo("aa", vec![1, 2]));
        index.add(&photo("bb", vec![1]));
        let found = index.find(&photo("aa", vec![1]));
        assert_eq!(
            found,
            vec![
                Found {
                    entry: 0,
                    how: MatchHow::SameBytes
                },
                Found {
                    entry: 1,
                    how: MatchHow::SamePicture { distance: 0 }
                }
            ]
        );
    }

    #[test]
    fn a_video_matches_when_enough_frames_are_shared() {
        let mut rng = SmallRng::seed_from_u64(9);
        let frames: Vec<u64> = (0..10).map(|_| rng.gen()).collect();
        let mut index = DuplicateIndex::new();
        index.add(&Fingerprint {
            sha256: "v1".into(),
            kind: MediaKind::Video,
            hashes: frames.clone(),
        });
        let mut two_shared: Vec<u64> = (0..10).map(|_| rng.gen()).collect();
        two_shared[0] = frames[0];
        two_shared[1] = frames[1] ^ 0b101;
        let video = |hashes| Fingerprint {
            sha256: "new".into(),
            kind: MediaKind::Video,
            hashes,
        };
        assert!(index.find(&video(two_shared.clone())).is_empty());
        two_shared[2] = frames[5];
        two_shared[3] = frames[6];
        assert_eq!(
            index.find(&video(two_shared)),
            vec![Found {
                entry: 0,
                how: MatchHow::SharedFootage {
                    shared_frames: 4,
                    frames: 10
                }
            }]
        );
        // A photo never matches a video's frame hashes.
        assert!(index.find(&photo("p", vec![frames[0]])).is_empty());
    }
}
