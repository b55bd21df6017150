use super::format::{self, Display, Manifest, ShardFile as Shard};
use super::text::{self, Stemmer};
use super::*;

fn record(kind: &str, url: &str, title: &str, body: &str) -> Record {
    Record {
        display: Display {
            u: url.into(),
            t: title.into(),
            k: kind.into(),
            ..Default::default()
        },
        fields: [
            vec![title.into()].into(),
            [].into(),
            [].into(),
            vec![body.into()].into(),
        ],
        facets: vec![(FILTER_TYPE, kind.into())],
    }
}

/// `field` with `text` added at its end.
fn push(field: &mut Arc<[String]>, text: &str) {
    let mut texts = field.to_vec();
    texts.push(text.to_string());
    *field = texts.into();
}

#[test]
fn folding_and_tokenizing() {
    assert_eq!(text::fold("Clínica"), "clinica");
    assert_eq!(text::fold("Café"), "cafe");
    assert_eq!(text::fold("NALOXONE"), "naloxone");
    assert_eq!(text::fold("don't"), "dont");
    let words: Vec<String> = text::words("Call 988, or text: ¿Dónde está la clínica? 12-step").collect();
    assert_eq!(
        words,
        [
            "call", "988", "or", "text", "donde", "esta", "la", "clinica", "12", "step"
        ]
    );
}

#[test]
fn stems_by_language() {
    let en = Stemmer::for_language("en-US");
    assert_eq!(en.stem("treatments"), en.stem("treatment"));
    assert_eq!(en.stem("recovering"), en.stem("recovered"));
    assert_eq!(en.stem("988"), "988");
    let es = Stemmer::for_language("es");
    assert_eq!(es.stem("clinicas"), es.stem("clinica"));
    // No Snowball stemmer: words are their own stem.
    assert_eq!(Stemmer::for_language("zz").stem("treatments"), "treatments");
}

/// `records` as the index steps take them (each behind an `Arc`).
fn shared(records: &[Record]) -> Vec<Arc<Record>> {
    records.iter().cloned().map(Arc::new).collect()
}

/// The index state of `records`, built from nothing.
fn live(records: Vec<Record>) -> live::Live {
    let records = shared(&records);
    let stemmer = Stemmer::for_language("en");
    let mut tokens = build::Tokens::default();
    let counted = build::count(&records, &stemmer, &mut tokens);
    let mut s = live::Live::default();
    s.update(records, counted, &tokens.lexicon);
    s
}

#[test]
fn stem_map_sends_written_forms_to_one_list() {
    let records = vec![
        record("article", "/a/", "Treatment options", "Treatments differ."),
        record("article", "/b/", "Other", "Nothing here."),
    ];
    let s = live(records);
    let (a, df) = s.lookup("treatment").unwrap();
    assert_eq!(s.lookup("treatments").unwrap(), (a, df));
    assert_eq!(df, 1);
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].0, 0);
}

#[test]
fn bm25f_ranks_title_over_body_and_rare_over_common() {
    let records = vec![
        record(
            "article",
            "/body/",
            "Something else",
            "It mentions methadone once among other words here.",
        ),
        record("article", "/title/", "Methadone", "Plain text."),
        record("article", "/none/", "Unrelated", "Nothing."),
    ];
    let s = live(records);
    let mut ranked = s.lookup("methadone").unwrap().0.to_vec();
    ranked.sort_by_key(|p| std::cmp::Reverse(p.1));
    assert_eq!(ranked.iter().map(|p| p.0).collect::<Vec<_>>(), [1, 0]);
    assert!(ranked[0].1 > ranked[1].1);
}

#[test]
fn postings_and_ids_round_trip() {
    let postings = vec![(7, 3), (2, 9), (40, 3), (5, 9), (41, 1)];
    let layers = format::encode_postings(&postings);
    assert_eq!(layers, vec![vec![9, 2, 3], vec![3, 7, 33], vec![1, 41]]);
    // 33 is two digits (1 + 32 for "more follows", then 1): `h` `B`; 41 is `p` `B`.
    let text = format::pack(&layers);
    assert_eq!(text, "JCCDDCHhBBBpB");
    assert_eq!(format::unpack(&text), layers);
    // docs/search.md's example list.
    let docs = vec![vec![63, 4], vec![41, 0, 7, 2], vec![9, 30, 1, 1, 5]];
    assert_eq!(format::pack(&docs), "_BBEpBDAHCJEeBBF");
    let big = vec![vec![63, 0, 31, 32, 1023, 1024, u32::MAX]];
    assert_eq!(format::unpack(&format::pack(&big)), big);
    // A cut or foreign string gives the whole layers before the fault, not a panic.
    assert_eq!(format::unpack("JCCDDCHh"), vec![vec![9, 2, 3]]);
    assert_eq!(format::unpack("JC*"), Vec::<Vec<u32>>::new());
    let mut back = format::decode_postings(&layers);
    back.sort_unstable();
    let mut want = postings.clone();
    want.sort_unstable();
    assert_eq!(back, want);
    let ids = [0, 1, 2, 10, 300];
    assert_eq!(format::decode_ids(&format::encode_ids(&ids)), ids);
}

/// The files of `records`, read back (records as url, title, passage, place, phone).
fn decode(files: &[Output]) -> (Manifest, Vec<Shard>, Vec<[String; 5]>) {
    let read = |rel: &str| -> &[u8] {
        &files
            .iter()
            .find(|f| f.rel == rel)
            .unwrap_or_else(|| panic!("{rel} missing"))
            .bytes
    };
    let manifest: Manifest = serde_json::from_slice(read(&format!("{BUNDLE_DIR}/manifest.json"))).expect("manifest");
    let dir = format!("{BUNDLE_DIR}/{}", manifest.build);
    let shards = (0..manifest.shards.len())
        .map(|i| serde_json::from_slice(read(&format!("{dir}/s{i}.json"))).expect("shard"))
        .collect();
    let chunks = (manifest.n as usize).div_ceil(manifest.chunk as usize);
    let shown = (0..chunks)
        .flat_map(|i| {
            format::unrow(
                &serde_json::from_slice::<Vec<Vec<String>>>(read(&format!("{dir}/r{i}.json"))).expect("records"),
            )
        })
        .collect();
    (manifest, shards, shown)
}

/// Record ids for `word` as a client finds them: the shard whose range holds it.
fn lookup(manifest: &Manifest, shards: &[Shard], word: &str) -> Vec<u32> {
    let i = manifest
        .shards
        .partition_point(|first| first.as_str() <= word)
        .saturating_sub(1);
    let shard = &shards[i];
    shard
        .w
        .get(word)
        .map(|&p| {
            format::decode_postings(&format::unpack(&shard.p[format::list_of(p)]))
                .into_iter()
                .map(|(id, _)| id)
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn files_round_trip_and_name_their_build() {
    let records = vec![
        record("article", "/a/", "Naloxone saves lives", "Carry naloxone."),
        record("facility", "/f/", "Clínica Esperanza", "Walk-in care."),
    ];
    let ((files, n), warnings) = files(records.clone(), "en", synonyms(&[]), &mut vec![]);
    assert_eq!(n, 2);
    assert!(warnings.is_empty());
    let (manifest, shards, shown) = decode(&files);
    assert_eq!(manifest.v, format::VERSION);
    assert_eq!(shown.len(), 2);
    assert_eq!(shown[1][1], "Clínica Esperanza");
    assert_eq!(lookup(&manifest, &shards, "clinica"), [1]);
    assert_eq!(lookup(&manifest, &shards, "naloxone"), [0]);
    // The stem is a key too.
    assert_eq!(lookup(&manifest, &shards, "naloxon"), [0]);
    assert!(manifest.synonyms.iter().any(|g| g.contains(&"narcan".to_string())));
    // The same input gives the same files; other input another build folder.
    let ((again, _), _) = super::files(records.clone(), "en", synonyms(&[]), &mut vec![]);
    assert_eq!(decode(&again).0.build, manifest.build);
    let mut other = records;
    push(&mut other[0].fields[3], "More words.");
    let ((changed, _), _) = super::files(other, "en", synonyms(&[]), &mut vec![]);
    assert_ne!(decode(&changed).0.build, manifest.build);
}

#[test]
fn shards_stay_small_on_many_records() {
    let records: Vec<Record> = (0..3000)
        .map(|i| {
            record(
                "article",
                &format!("/a{i}/"),
                &format!("Title w{i}"),
                &format!("common words x{} y{}", i % 97, i % 13),
            )
        })
        .collect();
    let ((files, _), _) = files(records, "en", vec![], &mut vec![]);
    let (manifest, shards, _) = decode(&files);
    assert!(shards.len() > 1, "{} shards", shards.len());
    for f in files.iter().filter(|f| f.rel.contains("/s")) {
        // One key's list may exceed the target, never by much here.
        assert!(
            f.bytes.len() < live::SHARD_MAX * 2,
            "{} is {} bytes",
            f.rel,
            f.bytes.len()
        );
    }
    // A list holds the best MAX_POSTINGS records; the shard's `n` counts them all.
    let common = lookup(&manifest, &shards, "common");
    assert_eq!(common.len(), build::MAX_POSTINGS);
    let i = manifest
        .shards
        .partition_point(|b| b.as_str() <= "common")
        .saturating_sub(1);
    let at = format::list_of(shards[i].w["common"]);
    assert_eq!(shards[i].n[at], 3000);
    // A common word's first screen is in its shard: its best records, as a client ranks them.
    let mut ranked = format::decode_postings(&format::unpack(&shards[i].p[at]));
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let embedded = format::decode_ids(&shards[i].e);
    let rows = format::unrow(&shards[i].r);
    for (id, _) in ranked.iter().take(build::EMBED_FIRST) {
        let at = embedded.iter().position(|e| e == id).expect("embedded");
        assert_eq!(rows[at][0], format!("/a{id}/"));
        // The excerpt of an embedded record holds the word it is embedded for.
        assert!(rows[at][2].contains("common"), "{:?}", rows[at]);
    }
    // A rare word's list carries none.
    let j = manifest
        .shards
        .partition_point(|b| b.as_str() <= "w1234")
        .saturating_sub(1);
    assert_eq!(lookup(&manifest, &shards, "w1234"), [1234]);
    assert!(
        !format::decode_ids(&shards[j].e).contains(&1234)
            || shards[j]
                .w
                .values()
                .any(|&l| shards[j].n[format::list_of(l)] >= build::EMBED_MIN)
    );
    // Boundaries are short prefixes, still ascending.
    assert!(manifest.shards.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn shard_boundaries_are_the_shortest_prefix_after_the_shard_before() {
    assert_eq!(build::boundary("apple", "banana"), "b");
    assert_eq!(build::boundary("treat", "treatment"), "treatm");
    assert_eq!(build::boundary("abc", "abd"), "abd");
    assert_eq!(build::boundary("", "naloxone"), "naloxone");
    assert_eq!(build::boundary("cafe", "cafés"), "café");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(32))]
    /// Every indexed word of every record finds that record.
    #[test]
    fn every_word_finds_its_record(texts in proptest::collection::vec("[a-zA-Zé ]{1,40}", 1..12)) {
        let records: Vec<Record> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| record("page", &format!("/p{i}/"), "x", t))
            .collect();
        let ((files, _), _) = files(records, "en", vec![], &mut vec![]);
        let (manifest, shards, _) = decode(&files);
        for (i, t) in texts.iter().enumerate() {
            for w in text::words(t) {
                let found = lookup(&manifest, &shards, &w);
                proptest::prop_assert!(found.contains(&(i as u32)), "{w} of {i}: {found:?}");
            }
        }
    }
}

#[test]
fn rows_share_url_prefixes_and_read_back() {
    let facility = |u: &str| Display {
        u: u.into(),
        t: "Hope Center".into(),
        k: "facility".into(),
        pl: "Boston, Massachusetts".into(),
        ph: "(617) 555-0100".into(),
        tel: "tel:+16175550100".into(),
        ..Default::default()
    };
    let a = facility("/treatment/ma/boston/hope/");
    let b = facility("/treatment/ma/boston/hopeful/");
    let odd = facility("12:not-a-path");
    let article = Display {
        u: "/articles/x/".into(),
        t: "X".into(),
        k: "article".into(),
        ..Default::default()
    };
    let rows = format::rows([(&a, "One."), (&b, "Two."), (&article, ""), (&odd, "")]);
    assert_eq!(rows[0][0], "/treatment/ma/boston/hope/");
    // 25 characters shared with the row before; the phone as E.164; no empty tail.
    assert_eq!(
        rows[1],
        [
            "25:ful/",
            "Hope Center",
            "Two.",
            "Boston, Massachusetts",
            "+16175550100"
        ]
    );
    assert_eq!(rows[2], ["/articles/x/", "X"]);
    assert_eq!(rows[3][0], "0:12:not-a-path");
    let back = format::unrow(&rows);
    let urls: Vec<&str> = back.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(urls, [a.u.as_str(), &b.u, &article.u, &odd.u]);
    assert_eq!(back[1][4], "+16175550100");
    assert_eq!(
        format::kinds(["article", "article", "page", "facility"]),
        [("article".into(), 2), ("page".into(), 1), ("facility".into(), 1)]
    );
}

/// An edit to one record of many encodes a few files again (the others are kept, their
/// bytes and hashes), and the files are still those of a build from nothing.
#[test]
fn an_edit_encodes_only_the_files_it_touched() {
    let body = |i: usize, extra: &str| {
        let words: Vec<String> = (0..100)
            .map(|k| format!("v{}", (i * 7919 + k * 104_729) % 5000))
            .collect();
        format!("common words x{} y{} {} {extra}", i % 97, i % 13, words.join(" "))
    };
    let make = |extra: &str| -> Vec<Record> {
        (0..3000)
            .map(|i| {
                let e = if i == 1234 { extra } else { "" };
                record("article", &format!("/a{i}/"), &format!("Title w{i}"), &body(i, e))
            })
            .collect()
    };
    let mut memo = live::Memo::remembering();
    let ((first, _), _) = files_with(shared(&make("")), "en", vec![], &mut vec![], &mut memo);
    assert_eq!(
        memo.encoded(),
        first.len() - 1,
        "a first build encodes every file but the manifest"
    );
    for extra in ["zyxquux v17", "", "v17 v18"] {
        let ((served, _), _) = files_with(shared(&make(extra)), "en", vec![], &mut vec![], &mut memo);
        let ((fresh, _), _) = files(make(extra), "en", vec![], &mut vec![]);
        assert_eq!(served.len(), fresh.len());
        for (s, f) in served.iter().zip(&fresh) {
            assert_eq!(s.rel, f.rel);
            assert!(
                *s.bytes == f.bytes,
                "{extra:?}: {} differs from a build from nothing",
                s.rel
            );
        }
        assert!(
            memo.encoded() <= 5,
            "{extra:?}: {} of {} files encoded again ({} records scored)",
            memo.encoded(),
            served.len(),
            memo.scored()
        );
        let served: Vec<Output> = served.into_iter().map(IndexFile::into_output).collect();
        let (manifest, shards, _) = decode(&served);
        assert_eq!(
            lookup(&manifest, &shards, "zyxquux"),
            if extra.contains("zyxquux") { vec![1234] } else { vec![] }
        );
    }
}

#[test]
fn a_synonym_group_is_one_key_with_its_members_records_and_first_screen() {
    let records = vec![
        record("article", "/a/", "Detox at home", "Not alone."),
        record("article", "/b/", "Care", "Withdrawal management for adults."),
        record("article", "/c/", "Other", "Withdrawal alone is not the phrase."),
        record("article", "/d/", "Management", "Of nothing here."),
    ];
    let ((files, _), _) = files(records, "en", synonyms(&[]), &mut vec![]);
    let (manifest, shards, _) = decode(&files);
    let group = manifest
        .synonyms
        .iter()
        .find(|g| g.contains(&"detox".to_string()))
        .expect("detox group");
    let key = format::group_key(group);
    assert_eq!(key, "detox|withdrawal management|detoxification");
    assert!(format::is_group_key(&key) && !format::is_group_key("detox"));
    // Records with a member: "detox", or both words of "withdrawal management".
    let mut ids = lookup(&manifest, &shards, &key);
    ids.sort_unstable();
    assert_eq!(ids, [0, 1]);
    // Its first screen is in its shard, whatever its size: no record file needed.
    let i = manifest
        .shards
        .partition_point(|f| f.as_str() <= key.as_str())
        .saturating_sub(1);
    assert_eq!(format::decode_ids(&shards[i].e), [0, 1]);
    let rows = format::unrow(&shards[i].r);
    assert_eq!(rows[1][2], "Withdrawal management for adults.");
    // A group no record has a member of has no key.
    let naltrexone = manifest
        .synonyms
        .iter()
        .find(|g| g.contains(&"vivitrol".to_string()))
        .unwrap();
    assert!(!shards.iter().any(|s| s.w.contains_key(&format::group_key(naltrexone))));
}

#[test]
fn a_group_list_follows_an_edit_in_place() {
    let stemmer = Stemmer::for_language("en");
    let mut tokens = build::Tokens::remembering();
    let groups = synonyms(&[]);
    let mut records = vec![
        record("article", "/a/", "Narcan", "Carry it."),
        record("article", "/b/", "Other", "Nothing."),
    ];
    let mut s = live::Live::default();
    let counted = build::count(&shared(&records), &stemmer, &mut tokens);
    s.update(shared(&records), counted, &tokens.lexicon);
    s.groups(&groups);
    let key = "naloxone|narcan";
    assert_eq!(s.lookup(key).map(|(p, n)| (p.len(), n)), Some((1, 1)));
    records[1].fields[3] = vec!["Naloxone too.".into()].into();
    let counted = build::count(&shared(&records), &stemmer, &mut tokens);
    s.update(shared(&records), counted, &tokens.lexicon);
    s.groups(&groups);
    assert_eq!(
        s.lookup(key)
            .map(|(p, n)| (p.iter().map(|e| e.0).collect::<Vec<_>>(), n)),
        Some((vec![0, 1], 2))
    );
    records[0].fields = [
        vec!["Plain".into()].into(),
        [].into(),
        [].into(),
        vec!["Words.".into()].into(),
    ];
    records[1].fields[3] = vec!["None.".into()].into();
    let counted = build::count(&shared(&records), &stemmer, &mut tokens);
    s.update(shared(&records), counted, &tokens.lexicon);
    s.groups(&groups);
    assert!(s.lookup(key).is_none());
}

/// Edits that add and remove keys all over the key order (so shards are cut again around
/// them, and the cuts after them move or stay), change a synonym group's members and a
/// record's sponsorship: after each, the files are those of a build from nothing, and the
/// shards no edit touched are kept.
#[test]
fn edits_anywhere_cut_the_shards_a_build_cuts() {
    let body = |i: usize| {
        let words: Vec<String> = (0..60)
            .map(|k| format!("w{}", (i * 7919 + k * 104_729) % 9000))
            .collect();
        format!("common x{} {}", i % 31, words.join(" "))
    };
    let mut records: Vec<Record> = (0..1600)
        .map(|i| record("article", &format!("/a{i}/"), &format!("Title t{i}"), &body(i)))
        .collect();
    for r in records.iter_mut().take(40) {
        push(&mut r.fields[3], "Narcan and rehab.");
    }
    let groups = synonyms(&[]);
    let mut memo = live::Memo::remembering();
    let ((first, _), _) = files_with(shared(&records), "en", groups.clone(), &mut vec![], &mut memo);
    let shards = first.iter().filter(|f| f.rel.contains("/s")).count();
    assert!(shards > 20, "{shards} shards");
    // A word per edit, spread over the key order: new keys, and words other records have.
    let edits: Vec<(usize, String)> = (0..24)
        .map(|n| {
            let word = match n % 4 {
                0 => format!("{}zz{n}", (b'a' + (n as u8 * 7) % 26) as char),
                1 => format!("w{}", (n * 397) % 9000),
                2 => "naloxone".to_string(),
                _ => String::new(),
            };
            ((n * 131) % 1600, word)
        })
        .collect();
    for (n, (i, word)) in edits.into_iter().enumerate() {
        if word.is_empty() {
            // Words taken away: keys go, lists shrink.
            records[i].fields[3] = vec![format!("common x{}", i % 31)].into();
        } else {
            push(&mut records[i].fields[3], &format!("{word} {word}s"));
        }
        if n == 10 {
            records[i].display.s = 1;
        }
        let ((served, _), _) = files_with(shared(&records), "en", groups.clone(), &mut vec![], &mut memo);
        let ((fresh, _), _) = files(records.clone(), "en", groups.clone(), &mut vec![]);
        assert_eq!(served.len(), fresh.len(), "edit {n}");
        for (s, f) in served.iter().zip(&fresh) {
            assert_eq!(s.rel, f.rel, "edit {n}");
            assert!(
                *s.bytes == f.bytes,
                "edit {n} ({word:?} in {i}): {} differs from a build",
                s.rel
            );
        }
        assert!(
            memo.encoded() < shards / 2,
            "edit {n}: {} files encoded of {}",
            memo.encoded(),
            served.len()
        );
    }
}

#[test]
fn passage_indices_narrow_and_wide_count_the_same() {
    use build::Indices;
    let indices = vec![0, 3, 65_535, 2, 3];
    let mut good = vec![false; 1 << 16];
    good[3] = true;
    good[65_535] = true;
    let narrow = Indices::of(indices.clone(), 1 << 16);
    assert!(matches!(narrow, Indices::Narrow(_)));
    let mut wide_indices = indices;
    wide_indices.push(70_000);
    let wide = Indices::of(wide_indices, 70_001);
    assert!(matches!(wide, Indices::Wide(_)));
    for (a, b) in [(0, 5), (1, 3), (3, 5), (2, 2)] {
        assert_eq!(narrow.count(a..b, &good), wide.count(a..b, &good), "{a}..{b}");
    }
    assert_eq!(narrow.count(0..5, &good), 3);
    // An index past `good`, or a range past the list, counts nothing rather than panicking.
    assert_eq!(wide.count(5..6, &good), 0);
    assert_eq!(narrow.count(4..9, &good), 0);
}
