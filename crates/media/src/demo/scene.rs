//! Drawn pictures of a heavy-haul truck at a roadside, standing in for a carrier's photos: a
//! tractor with a low-bed trailer and a boxed load, in front of sky, buildings and trees, with a
//! grain of noise like a camera's. A seed decides the scene; the truck and its setting can be
//! chosen separately, so tests can draw the same truck in two different places.

use image::{Rgb, RgbImage};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

/// What a picture shows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scene {
    /// Decides the setting: sky, horizon, buildings, trees, ground.
    pub setting_seed: u64,
    /// Cab colour, load colour, axles.
    pub truck: Truck,
    /// Where the truck stands, as a fraction of the width (its left end).
    pub truck_x: f32,
    /// The truck's length as a fraction of the width.
    pub truck_scale: f32,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Truck {
    pub cab: [u8; 3],
    pub load: [u8; 3],
    pub axles: u32,
}

impl Truck {
    pub fn from_seed(seed: u64) -> Truck {
        let mut rng = SmallRng::seed_from_u64(seed ^ 0x7275_636b);
        const CABS: [[u8; 3]; 5] = [
            [200, 30, 30],
            [30, 70, 170],
            [230, 190, 20],
            [235, 235, 235],
            [40, 130, 60],
        ];
        Truck {
            cab: CABS[rng.gen_range(0..CABS.len())],
            load: [
                rng.gen_range(90..160),
                rng.gen_range(90..160),
                rng.gen_range(90..160),
            ],
            axles: rng.gen_range(5..=7),
        }
    }
}

impl Scene {
    pub fn from_seed(seed: u64) -> Scene {
        let mut rng = SmallRng::seed_from_u64(seed);
        Scene {
            setting_seed: seed,
            truck: Truck::from_seed(seed),
            truck_x: rng.gen_range(0.05..0.25),
            truck_scale: rng.gen_range(0.6..0.8),
        }
    }

    /// Draws the scene at `width` x `height`.
    pub fn draw(&self, width: u32, height: u32) -> RgbImage {
        let mut img = RgbImage::new(width, height);
        let mut rng = SmallRng::seed_from_u64(self.setting_seed);
        let (w, h) = (width as f32, height as f32);
        let horizon = h * rng.gen_range(0.42..0.58);
        let sky_top = [
            rng.gen_range(40..120u8),
            rng.gen_range(90..170),
            rng.gen_range(170..250),
        ];
        let sky_low = [
            rng.gen_range(170..240u8),
            rng.gen_range(190..240),
            rng.gen_range(200..250),
        ];
        for y in 0..horizon as u32 {
            let t = y as f32 / horizon;
            let c = mix(sky_top, sky_low, t);
            fill_rect(&mut img, 0.0, y as f32, w, 1.0, c);
        }
        let ground = [
            rng.gen_range(80..150u8),
            rng.gen_range(90..150),
            rng.gen_range(60..110),
        ];
        fill_rect(&mut img, 0.0, horizon, w, h - horizon, ground);
        // Clouds.
        for _ in 0..rng.gen_range(1..5) {
            let (cx, cy) = (rng.gen_range(0.0..w), rng.gen_range(0.0..horizon * 0.6));
            let r = rng.gen_range(h * 0.03..h * 0.08);
            for k in 0..3 {
                fill_ellipse(&mut img, cx + k as f32 * r, cy, r * 1.4, r, [245, 245, 248]);
            }
        }
        // Buildings and trees on the horizon.
        for _ in 0..rng.gen_range(4..10) {
            let bw = rng.gen_range(w * 0.05..w * 0.18);
            let bh = rng.gen_range(h * 0.08..h * 0.3);
            let bx = rng.gen_range(-bw * 0.5..w);
            let shade = rng.gen_range(110..220u8);
            let tint = [
                shade,
                shade - rng.gen_range(0..40),
                shade - rng.gen_range(0..60),
            ];
            fill_rect(&mut img, bx, horizon - bh, bw, bh, tint);
            // Rows of windows.
            let rows = (bh / (h * 0.04)) as u32;
            for r in 0..rows {
                for c in 0..(bw / (w * 0.03)) as u32 {
                    fill_rect(
                        &mut img,
                        bx + c as f32 * w * 0.03 + w * 0.008,
                        horizon - bh + r as f32 * h * 0.04 + h * 0.01,
                        w * 0.015,
                        h * 0.02,
                        [60, 70, 90],
                    );
                }
            }
        }
        for _ in 0..rng.gen_range(3..9) {
            let tx = rng.gen_range(0.0..w);
            let tr = rng.gen_range(h * 0.03..h * 0.07);
            fill_rect(
                &mut img,
                tx - tr * 0.15,
                horizon - tr,
                tr * 0.3,
                tr * 1.2,
                [90, 60, 30],
            );
            fill_ellipse(
                &mut img,
                tx,
                horizon - tr * 1.6,
                tr,
                tr * 1.2,
                [30, rng.gen_range(90..140), 40],
            );
        }
        // The road.
        let road_top = horizon + (h - horizon) * 0.25;
        fill_rect(
            &mut img,
            0.0,
            road_top,
            w,
            (h - horizon) * 0.55,
            [70, 70, 74],
        );
        for k in 0..12 {
            fill_rect(
                &mut img,
                k as f32 * w / 10.0,
                road_top + (h - horizon) * 0.5,
                w / 20.0,
                h * 0.01,
                [230, 230, 230],
            );
        }
        self.draw_truck(&mut img, road_top + (h - horizon) * 0.35);
        add_grain(&mut img, self.setting_seed);
        img
    }

    fn draw_truck(&self, img: &mut RgbImage, wheels_y: f32) {
        let w = img.width() as f32;
        let len = w * self.truck_scale;
        let x0 = w * self.truck_x;
        let unit = len / 20.0;
        let cab_w = unit * 3.5;
        let cab_h = unit * 4.0;
        let bed_y = wheels_y - unit * 1.2;
        // Cab with its window and plate.
        fill_rect(img, x0, bed_y - cab_h, cab_w, cab_h, self.truck.cab);
        fill_rect(
            img,
            x0 + unit * 0.4,
            bed_y - cab_h + unit * 0.5,
            cab_w - unit * 1.2,
            unit * 1.5,
            [40, 60, 80],
        );
        fill_rect(
            img,
            x0 + unit * 0.6,
            bed_y - unit * 1.0,
            unit * 1.6,
            unit * 0.6,
            [240, 200, 0],
        );
        // Low-bed trailer and its load (a boxed transformer with cooling fins).
        fill_rect(
            img,
            x0 + cab_w,
            bed_y - unit * 0.6,
            len - cab_w,
            unit * 0.8,
            [50, 50, 55],
        );
        let load_x = x0 + cab_w + unit * 3.0;
        let load_w = len - cab_w - unit * 6.0;
        let load_h = unit * 6.0;
        fill_rect(
            img,
            load_x,
            bed_y - unit * 0.6 - load_h,
            load_w,
            load_h,
            self.truck.load,
        );
        let fins = 10;
        for f in 0..fins {
            fill_rect(
                img,
                load_x + unit * 0.5 + f as f32 * (load_w - unit) / fins as f32,
                bed_y - unit * 0.6 - load_h + unit,
                unit * 0.25,
                load_h - unit * 2.0,
                darker(self.truck.load),
            );
        }
        // Wheels: two under the cab, the rest under the trailer's rear.
        let r = unit * 0.9;
        let mut xs = vec![x0 + unit * 1.0, x0 + cab_w + unit * 0.5];
        for k in 0..self.truck.axles.saturating_sub(2) {
            xs.push(x0 + len - unit * 1.2 - k as f32 * unit * 2.1);
        }
        for x in xs {
            fill_ellipse(img, x, wheels_y, r, r, [20, 20, 20]);
            fill_ellipse(img, x, wheels_y, r * 0.45, r * 0.45, [150, 150, 150]);
        }
    }
}

fn mix(a: [u8; 3], b: [u8; 3], t: f32) -> [u8; 3] {
    let f = |x: u8, y: u8| (x as f32 + (y as f32 - x as f32) * t) as u8;
    [f(a[0], b[0]), f(a[1], b[1]), f(a[2], b[2])]
}

fn darker(c: [u8; 3]) -> [u8; 3] {
    [c[0] / 2, c[1] / 2, c[2] / 2]
}

fn fill_rect(img: &mut RgbImage, x: f32, y: f32, w: f32, h: f32, c: [u8; 3]) {
    let (iw, ih) = (img.width() as i64, img.height() as i64);
    let x0 = (x as i64).clamp(0, iw);
    let x1 = ((x + w) as i64).clamp(0, iw);
    let y0 = (y as i64).clamp(0, ih);
    let y1 = ((y + h) as i64).clamp(0, ih);
    for yy in y0..y1 {
        for xx in x0..x1 {
            img.put_pixel(xx as u32, yy as u32, Rgb(c));
        }
    }
}

fn fill_ellipse(img: &mut RgbImage, cx: f32, cy: f32, rx: f32, ry: f32, c: [u8; 3]) {
    let (iw, ih) = (img.width() as i64, img.height() as i64);
    let x0 = ((cx - rx) as i64).clamp(0, iw);
    let x1 = ((cx + rx) as i64 + 1).clamp(0, iw);
    let y0 = ((cy - ry) as i64).clamp(0, ih);
    let y1 = ((cy + ry) as i64 + 1).clamp(0, ih);
    for y in y0..y1 {
        for x in x0..x1 {
            let dx = (x as f32 - cx) / rx;
            let dy = (y as f32 - cy) / ry;
            if dx * dx + dy * dy <= 1.0 {
                img.put_pixel(x as u32, y as u32, Rgb(c));
            }
        }
    }
}

/// A camera's grain: small per-pixel noise, the same for the same seed.
fn add_grain(img: &mut RgbImage, seed: u64) {
    let mut rng = SmallRng::seed_from_u64(seed ^ 0x0067_7261_696e);
    for p in img.pixels_mut() {
        let n: i16 = rng.gen_range(-6..=6);
        for ch in p.0.iter_mut() {
            *ch = (*ch as i16 + n).clamp(0, 255) as u8;
        }
    }
}
