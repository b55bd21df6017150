//! One source image made into its variants: decoded (JPEG or PNG, turned upright by its
//! EXIF orientation), resized to each width below its own, and encoded as lossy WebP and
//! in its own format. Pure: bytes in, bytes out; the cache is [`super::cache`]'s.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};

/// The widths made, in CSS pixels of a 1x screen: a phone (390 px wide at 2x takes the
/// 960), a tablet or a 3x phone (1440). Only those below an image's own width are made.
pub const WIDTHS: [u32; 3] = [480, 960, 1440];

/// The raster formats processed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `.jpg`, `.jpeg`.
    Jpeg,
    /// `.png`.
    Png,
}

impl Kind {
    /// The kind of a file by its name; `None` for anything copied as it is.
    pub fn of(rel: &str) -> Option<Kind> {
        let ext = rel.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "jpg" | "jpeg" => Some(Kind::Jpeg),
            "png" => Some(Kind::Png),
            _ => None,
        }
    }

    pub(super) fn ext(self) -> &'static str {
        match self {
            Kind::Jpeg => "jpg",
            Kind::Png => "png",
        }
    }
}

/// JPEG quality of the resized copies (the `image` crate's encoder, 1 to 100).
const JPEG_QUALITY: u8 = 80;
/// libwebp's quality (0 to 100): 75 is its own default, and keeps a 960 px photo well
/// under the 80 KB budget (bench/image_bench.py).
const WEBP_QUALITY: f32 = 75.0;

/// What goes into the cache key beside the source bytes: change it whenever the variants
/// made from the same source would change.
pub(super) const SETTINGS: &str = "haven-images v1: widths 480,960,1440; jpeg 80; webp 75; catmull-rom";

/// A made file: its width, height, whether it is WebP, and its bytes.
pub(super) struct Made {
    pub(super) width: u32,
    #[cfg_attr(not(test), allow(dead_code))] // the tests check it; the cache derives it
    pub(super) height: u32,
    pub(super) webp: bool,
    pub(super) bytes: Vec<u8>,
}

/// The source's own size and every variant, or what is wrong with the file.
pub(super) fn variants(bytes: &[u8], kind: Kind) -> Result<((u32, u32), Vec<Made>), String> {
    // The decoders are meant never to panic, but a corrupt file is user input: a panic in
    // one is caught and reported as that file's error, not the build's crash.
    std::panic::catch_unwind(|| make(bytes, kind))
        .unwrap_or_else(|_| Err("the image decoder failed on this file".to_string()))
}

/// The source's size, upright (as [`variants`] would give it), making nothing.
pub(super) fn size(bytes: &[u8], kind: Kind) -> Result<(u32, u32), String> {
    std::panic::catch_unwind(|| {
        decode(bytes, kind)
            .map(|i| (i.width(), i.height()))
            .map_err(|e| e.to_string())
    })
    .unwrap_or_else(|_| Err("the image decoder failed on this file".to_string()))
}

fn make(bytes: &[u8], kind: Kind) -> Result<((u32, u32), Vec<Made>), String> {
    let img = decode(bytes, kind).map_err(|e| e.to_string())?;
    let (w, h) = (img.width(), img.height());
    if w == 0 || h == 0 {
        return Err("the image has no pixels".into());
    }
    let mut out = Vec::new();
    // From the largest width down, each resized from the one above: quicker than from the
    // original every time, and no visible loss at these ratios.
    let mut from = img;
    let mut widths: Vec<u32> = WIDTHS.iter().copied().filter(|&x| x < w).collect();
    widths.reverse();
    if w <= WIDTHS[WIDTHS.len() - 1] {
        // The original width too, as WebP (its own format is the original file).
        out.push(webp(&from)?);
    }
    for width in widths {
        let height = scaled_height(w, h, width);
        from = from.resize_exact(width, height, FilterType::CatmullRom);
        out.push(webp(&from)?);
        out.push(own(&from, kind)?);
    }
    Ok(((w, h), out))
}

/// The height of a `width` px copy of a `w`x`h` image, at least 1.
pub(super) fn scaled_height(w: u32, h: u32, width: u32) -> u32 {
    ((u64::from(h) * u64::from(width) + u64::from(w) / 2) / u64::from(w)).max(1) as u32
}

fn decode(bytes: &[u8], kind: Kind) -> image::ImageResult<DynamicImage> {
    let format = match kind {
        Kind::Jpeg => ImageFormat::Jpeg,
        Kind::Png => ImageFormat::Png,
    };
    // `into_decoder` keeps the reader's default limits (no more than 512 MiB decoded).
    let mut decoder = ImageReader::with_format(Cursor::new(bytes), format).into_decoder()?;
    let orientation = decoder.orientation()?;
    let mut img = DynamicImage::from_decoder(decoder)?;
    img.apply_orientation(orientation);
    Ok(img)
}

fn webp(img: &DynamicImage) -> Result<Made, String> {
    let (width, height) = (img.width(), img.height());
    let encoded = if img.color().has_alpha() {
        let rgba = img.to_rgba8();
        webp::Encoder::from_rgba(rgba.as_raw(), width, height).encode_simple(false, WEBP_QUALITY)
    } else {
        let rgb = img.to_rgb8();
        webp::Encoder::from_rgb(rgb.as_raw(), width, height).encode_simple(false, WEBP_QUALITY)
    };
    let bytes = encoded.map_err(|e| format!("the WebP encoder failed: {e:?}"))?.to_vec();
    Ok(Made {
        width,
        height,
        webp: true,
        bytes,
    })
}

fn own(img: &DynamicImage, kind: Kind) -> Result<Made, String> {
    let mut bytes = Vec::new();
    match kind {
        Kind::Jpeg => JpegEncoder::new_with_quality(&mut bytes, JPEG_QUALITY)
            .encode_image(&img.to_rgb8())
            .map_err(|e| e.to_string())?,
        Kind::Png => img
            .write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png)
            .map_err(|e| e.to_string())?,
    }
    Ok(Made {
        width: img.width(),
        height: img.height(),
        webp: false,
        bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 90]));
        let mut out = Vec::new();
        DynamicImage::ImageRgb8(img)
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .expect("encode");
        out
    }

    #[test]
    fn widths_below_the_original_and_its_own_as_webp() {
        let ((w, h), made) = variants(&png(1000, 500), Kind::Png).expect("variants");
        assert_eq!((w, h), (1000, 500));
        let sizes: Vec<_> = made.iter().map(|m| (m.width, m.height, m.webp)).collect();
        assert_eq!(
            sizes,
            [
                (1000, 500, true),
                (960, 480, true),
                (960, 480, false),
                (480, 240, true),
                (480, 240, false)
            ]
        );
        for m in &made {
            let format = if m.webp { ImageFormat::WebP } else { ImageFormat::Png };
            assert_eq!(image::guess_format(&m.bytes).ok(), Some(format));
        }
    }

    #[test]
    fn a_corrupt_file_is_an_error() {
        let mut bytes = png(40, 40);
        bytes.truncate(60);
        assert!(variants(&bytes, Kind::Png).is_err());
        assert!(variants(b"not a jpeg", Kind::Jpeg).is_err());
    }
}
