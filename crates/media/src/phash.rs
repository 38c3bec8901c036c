//! The perceptual hash of a picture: 64 bits that stay close (in Hamming distance) when the same
//! picture is re-compressed, resized or cropped a little, and differ when the picture differs.
//! Photos and video frames use the same hash, so a frame can be compared with a frame.
//! Which algorithm and why: docs/decisions.md ("Media checks"), measured by the tests here.

use image::{DynamicImage, GrayImage};
use image_hasher::{HashAlg, Hasher, HasherConfig};

/// Hamming distance at or under which two pictures are taken for the same picture, compared as
/// the closest pair of their [`picture_hashes`]. Measured on 30 drawn truck scenes
/// (docs/decisions.md): re-compression, halving and crops of 5 % (centred or from a corner) stay
/// at 4 or under; 870 pairs of different settings with the same truck are 10 apart or more.
pub const SAME_PICTURE_MAX_DISTANCE: u32 = 6;

/// How much of each side the crop views keep (95 %): a crop of up to 5 % from any corner or the
/// centre lands close to one of them.
const CROP_VIEW_PERCENT: u32 = 95;

/// The longest side a photo is shrunk to before hashing.
const HASH_INPUT_SIDE: u32 = 512;

/// The hasher, built once per use: a DCT hash (pHash) of 8 x 8 low frequencies against their
/// median, which ignores the high frequencies that re-compression and resizing disturb.
pub fn hasher() -> Hasher<[u8; 8]> {
    HasherConfig::with_bytes_type::<[u8; 8]>()
        .hash_size(8, 8)
        .hash_alg(HashAlg::Median)
        .preproc_dct()
        .to_hasher()
}

/// The 64-bit hash of a picture.
pub fn picture_hash(hasher: &Hasher<[u8; 8]>, img: &DynamicImage) -> u64 {
    to_u64(hasher.hash_image(img).as_bytes())
}

/// The hashes of a photo: of the whole picture, then of five 95 % views (the four corners and
/// the centre). A DCT hash moves a lot when a picture loses 5 % of one side; comparing every
/// view with every view finds the crop as a near-identical pair instead.
pub fn picture_hashes(hasher: &Hasher<[u8; 8]>, img: &DynamicImage) -> Vec<u64> {
    // The hash looks at 8 x 8 low frequencies: a 512-pixel copy carries all of them, and
    // hashing six views of a 12-megapixel photo at full size took 0.8 s (docs/benchmarks.md).
    let small;
    let img = if img.width().max(img.height()) > HASH_INPUT_SIDE {
        small = img.thumbnail(HASH_INPUT_SIDE, HASH_INPUT_SIDE);
        &small
    } else {
        img
    };
    let (w, h) = (img.width(), img.height());
    let (cw, ch) = (w * CROP_VIEW_PERCENT / 100, h * CROP_VIEW_PERCENT / 100);
    let mut hashes = vec![picture_hash(hasher, img)];
    if cw == 0 || ch == 0 {
        return hashes;
    }
    for (x, y) in [
        (0, 0),
        (w - cw, 0),
        (0, h - ch),
        (w - cw, h - ch),
        ((w - cw) / 2, (h - ch) / 2),
    ] {
        hashes.push(picture_hash(hasher, &img.crop_imm(x, y, cw, ch)));
    }
    hashes
}

/// The closest pair of hashes of two pictures.
pub fn closest(a: &[u64], b: &[u64]) -> u32 {
    a.iter()
        .flat_map(|x| b.iter().map(move |y| distance(*x, *y)))
        .min()
        .unwrap_or(64)
}

/// The 64-bit hash of a grey frame (a video frame as ffmpeg hands it over).
pub fn frame_hash(hasher: &Hasher<[u8; 8]>, frame: &GrayImage) -> u64 {
    to_u64(hasher.hash_image(frame).as_bytes())
}

fn to_u64(bytes: &[u8]) -> u64 {
    let mut b = [0u8; 8];
    for (dst, src) in b.iter_mut().zip(bytes) {
        *dst = *src;
    }
    u64::from_be_bytes(b)
}

/// Bits in which two hashes differ.
pub fn distance(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}
