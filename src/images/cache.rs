//! The image cache: `.haven-cache/images/<key>/` at the site's root, one folder per source
//! and settings (`key`: SHA-256 of [`SETTINGS`] and the source's bytes). A folder holds
//! `size` (the source's width and height) and its variants, `<width>.webp` and
//! `<width>.<ext>`. It is written whole into a temporary folder and renamed, so a folder
//! that exists is complete; deleting the cache at any time only costs the next build the
//! work again. Entries no build uses any more are removed by [`prune`] after a successful
//! `haven build`, only while no other build or `haven serve` holds the cache.

use std::collections::HashSet;
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

/// The lock file in the cache folder: every build that uses the cache holds a shared lock
/// on it, and [`prune`] removes entries only under an exclusive one.
const LOCK: &str = ".lock";

/// A shared lock on the cache of `root`, held while a build (or `haven serve`) uses its
/// entries. `create`: make the folder and the lock file when they are missing (a build that
/// only reads, `haven check`, makes nothing). `None` when there is no cache to lock or the
/// lock cannot be had (the build goes on: pruning then finds the lock busy or absent).
pub(super) fn lock_shared(root: &Path, create: bool) -> Option<fs::File> {
    let dir = root.join(DIR);
    if create {
        fs::create_dir_all(&dir).ok()?;
    }
    let file = fs::OpenOptions::new()
        .read(true)
        .write(create)
        .create(create)
        .truncate(false)
        .open(dir.join(LOCK))
        .ok()?;
    file.lock_shared().ok()?;
    Some(file)
}

/// Whether `name` is one of the cache's own folders: an entry (32 hex digits) or an
/// entry being written (`.<entry>.<pid>.tmp`, see [`store`]); with the entry's key.
fn entry_name(name: &str) -> Option<(&str, bool)> {
    let is_key = |k: &str| k.len() == 32 && k.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if is_key(name) {
        return Some((name, false));
    }
    let (key, rest) = name.strip_prefix('.')?.split_once('.')?;
    let pid = rest.strip_suffix(".tmp")?;
    (is_key(key) && !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit())).then_some((key, true))
}

/// Removes the entries of `root`'s cache that `used` does not name, and half-written ones
/// a stopped build left; only folders named as entries are removed, never a symlink, never
/// anything else in the folder or outside it. `lock` is this build's shared lock
/// ([`lock_shared`]): it is turned into an exclusive one without waiting, and when another
/// build or `haven serve` holds the cache nothing is removed (`Ok(0)`). Gives the number of
/// entries removed.
pub(super) fn prune(root: &Path, lock: &fs::File, used: &HashSet<String>) -> std::io::Result<usize> {
    match lock.try_lock() {
        Ok(()) => {}
        Err(fs::TryLockError::WouldBlock) => return Ok(0),
        Err(fs::TryLockError::Error(e)) => return Err(e),
    }
    let dir = root.join(DIR);
    let mut removed = 0;
    for entry in fs::read_dir(&dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let Some((key, partial)) = name.to_str().and_then(entry_name) else {
            continue;
        };
        // The entry itself, not what a symlink points to.
        if !fs::symlink_metadata(entry.path())?.is_dir() || (!partial && used.contains(key)) {
            continue;
        }
        fs::remove_dir_all(entry.path())?;
        removed += 1;
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_entry_names_are_entries() {
        let key = "0123456789abcdef0123456789abcdef";
        assert_eq!(entry_name(key), Some((key, false)));
        assert_eq!(entry_name(&format!(".{key}.812.tmp")), Some((key, true)));
        for other in [
            ".lock",
            "notes.txt",
            "0123456789ABCDEF0123456789ABCDEF",
            &key[1..],
            &format!(".{key}..tmp"),
            &format!(".{key}.12.tmp.x"),
            &format!("{key}.tmp"),
        ] {
            assert_eq!(entry_name(other), None, "{other}");
        }
    }
}
