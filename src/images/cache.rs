//! The image cache: `.haven-cache/images/<key>/` at the site's root, one folder per source
//! and settings (`key`: SHA-256 of [`SETTINGS`] and the source's bytes). A folder holds
//! `size` (the source's width and height) and its variants, `<width>.webp` and
//! `<width>.<ext>`. It is written whole into a temporary folder and renamed, so a folder
//! that exists is complete; deleting the cache at any time only costs the next build the
//! work again.

use std::fs;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::encode::SETTINGS;

/// The folder under the site root.
pub const DIR: &str = ".haven-cache/images";

/// The cache key of a source's bytes.
pub(super) fn key(bytes: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(SETTINGS.as_bytes());
    h.update([0]);
    h.update(bytes);
    let digest = h.finalize();
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// The folder of `key` under `root`'s cache.
pub(super) fn entry(root: &Path, key: &str) -> PathBuf {
    root.join(DIR).join(key)
}

/// The source's width and height recorded in an entry, when the entry is there.
pub(super) fn size(entry: &Path) -> Option<(u32, u32)> {
    let text = fs::read_to_string(entry.join("size")).ok()?;
    let (w, h) = text.trim().split_once(' ')?;
    Some((w.parse().ok()?, h.parse().ok()?))
}

/// The file name of a variant in an entry.
pub(super) fn file(width: u32, ext: &str) -> String {
    format!("{width}.{ext}")
}

/// Writes an entry: its files into a temporary folder beside it, then renamed into place
/// (when another build got there first, its entry is as good as this one).
pub(super) fn store(entry: &Path, size: (u32, u32), files: &[(String, &[u8])]) -> std::io::Result<()> {
    let parent = entry.parent().unwrap_or(entry);
    fs::create_dir_all(parent)?;
    let name = entry.file_name().and_then(|n| n.to_str()).unwrap_or("entry");
    let tmp = parent.join(format!(".{name}.{}.tmp", std::process::id()));
    if tmp.exists() {
        fs::remove_dir_all(&tmp)?;
    }
    fs::create_dir(&tmp)?;
    for (file, bytes) in files {
        fs::write(tmp.join(file), bytes)?;
    }
    fs::write(tmp.join("size"), format!("{} {}\n", size.0, size.1))?;
    match fs::rename(&tmp, entry) {
        Ok(()) => Ok(()),
        Err(_) if entry.join("size").is_file() => fs::remove_dir_all(&tmp),
        Err(e) => {
            let _ = fs::remove_dir_all(&tmp);
            Err(e)
        }
    }
}
