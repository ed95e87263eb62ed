//! The one URL-query reader every page's settings use: splitting and percent-
//! decoding, a [`Reader`] that keeps the last value of each of a page's keys and
//! turns every unusable parameter into a [`Notice`], and the parsers for numbers,
//! whole numbers, flags and choices. Pure Rust, tested natively.
//!
//! Every page's URL also carries the keys of the shell:
//!
//! | key | value | default |
//! |---|---|---|
//! | `page` | which page (see [`super::route`]) | `rules` |
//! | `v` | the link's schema version, 1 to [`SCHEMA_VERSION`] | 1 (a link without `v` was written before versions and reads as version 1) |
//! | `origins` | who may control an embedded app: comma-separated origins (`super::messages::Origins`) | the parent window, any origin |
//!
//! Versions: 1, the first; 2 (written by the app since), which gives `spirals` on
//! the rules page the learning rate under which every rule of the default
//! comparison learns (see the rules page's settings and docs/science.md §3).
//!
//! A notice reads `key: what was wrong (allowed: …); what is used instead`, and the
//! notices follow the order of the parameters in the URL. Keys a page does not know
//! share one notice, at the place of the first: a link pasted with hundreds of
//! stray keys gives one line, not hundreds. The keys that analytics, mailing-list
//! and social sites append to a shared link ([`is_tracking_key`]) are ignored
//! without a notice, so a link posted on a course site greets no one with a warning.

use std::fmt;

/// The version of the URL schema: what each key means and what a missing key
/// defaults to. Raise it when an old link would otherwise open differently, and
/// keep reading the old versions (`web/tests/golden_urls.rs` holds links that must
/// keep opening as they did).
pub const SCHEMA_VERSION: u32 = 2;

/// The version of a link without `v`: every link written before versions existed.
pub const FIRST_VERSION: u32 = 1;

/// The key that carries [`SCHEMA_VERSION`].
pub const VERSION_KEY: &str = "v";

/// Keys that sites append to links they pass on, to count the clicks: Google
/// (`gclid`, `dclid`, `gbraid`, `wbraid`, `_ga`, `_gl`), Meta (`fbclid`, `igshid`),
/// Microsoft (`msclkid`), Yandex (`yclid`), X (`twclid`), TikTok (`ttclid`), LinkedIn
/// (`li_fat_id`), Mailchimp (`mc_cid`, `mc_eid`), HubSpot (`_hsenc`, `_hsmi`),
/// Marketo (`mkt_tok`), and `ref`, which many sites add to name themselves. No page
/// uses any of them. Every key starting `utm_` (the campaign keys `utm_source`,
/// `utm_medium`, …) is one too; see [`is_tracking_key`].
pub const TRACKING_KEYS: &[&str] = &[
    "gclid",
    "dclid",
    "gbraid",
    "wbraid",
    "_ga",
    "_gl",
    "fbclid",
    "igshid",
    "msclkid",
    "yclid",
    "twclid",
    "ttclid",
    "li_fat_id",
    "mc_cid",
    "mc_eid",
    "_hsenc",
    "_hsmi",
    "mkt_tok",
    "ref",
];

/// Whether `name` (lower case) is a key that link trackers add: one of
/// [`TRACKING_KEYS`] or any `utm_…` key. Such keys are ignored without a notice.
pub fn is_tracking_key(name: &str) -> bool {
    name.starts_with("utm_") || TRACKING_KEYS.contains(&name)
}

/// How many unknown keys their notice names before it says how many more there are.
const UNKNOWN_KEYS_NAMED: usize = 5;

/// A URL parameter that was not used as given, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// The parameter's key as written in the URL, e.g. `lr`.
    pub param: String,
    /// What was wrong, what is allowed and what is used instead.
    pub message: String,
}

impl Notice {
    pub fn new(param: impl Into<String>, message: impl Into<String>) -> Self {
        Notice {
            param: param.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Notice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.param, self.message)
    }
}

/// Why a value was not used (`'abc' is not a number`), and what would have been.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub what: String,
    pub allowed: String,
}

impl Problem {
    pub fn new(what: impl Into<String>, allowed: impl Into<String>) -> Self {
        Problem {
            what: what.into(),
            allowed: allowed.into(),
        }
    }
}

/// What a key given more than once means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Repeats {
    /// The last value counts, usable or not (the rules page: `?lr=0.2&lr=x` uses the
    /// task's default rate).
    Last,
    /// Each value is read in turn and the last usable one counts; every unusable one
    /// gets a notice (the cerebellum and microcircuit pages: `?freq=5&freq=x` keeps 5).
    LastUsable,
}

/// A query split into one page's keys' raw values, collecting notices as the page
/// reads them.
pub struct Reader {
    keys: &'static [&'static str],
    /// Per key: its place in the query and its value (`None` for a bare key such as
    /// `?embed`), each time it appears; emptied when the key is read.
    raw: Vec<Vec<(usize, Option<String>)>>,
    /// Per key: its last place in the query, if present.
    places: Vec<Option<usize>>,
    /// Notices with the place in the query of the parameter they are about.
    notices: Vec<(usize, Notice)>,
    /// The keys the page does not know, each once, with the place of the first.
    unknown: Vec<String>,
    unknown_place: usize,
    /// The link's schema version: [`FIRST_VERSION`] when absent.
    version: u32,
}

impl Reader {
    /// Splits `query` (with or without its `?`) into `keys`. A key is matched
    /// without regard to case or surrounding spaces; `page` and `v` belong to the
    /// shell (and `origins` the embedding API's); any other key is ignored with a notice.
    pub fn new(query: &str, keys: &'static [&'static str], repeats: Repeats) -> Self {
        let mut reader = Reader {
            keys,
            raw: vec![Vec::new(); keys.len()],
            places: vec![None; keys.len()],
            notices: Vec::new(),
            unknown: Vec::new(),
            unknown_place: usize::MAX,
            version: FIRST_VERSION,
        };
        let query = query.strip_prefix('?').unwrap_or(query);
        for (place, pair) in query.split('&').filter(|p| !p.is_empty()).enumerate() {
            let (key, value) = match pair.split_once('=') {
                Some((key, value)) => (decode(key), Some(decode(value))),
                None => (decode(pair), None),
            };
            let name = key.trim().to_ascii_lowercase();
            if let Some(index) = keys.iter().position(|&k| k == name) {
                if repeats == Repeats::Last {
                    reader.raw[index].clear();
                }
                reader.raw[index].push((place, value));
                reader.places[index] = Some(place);
            } else if name == "page" {
                // The router's.
            } else if name == super::messages::ORIGINS_KEY {
                // The embedding API's (`super::messages::Origins`).
            } else if name == VERSION_KEY {
                reader.check_version(place, value.as_deref().unwrap_or("").trim());
            } else if name.is_empty() {
                reader.notices.push((
                    place,
                    Notice::new(
                        "(no name)",
                        format!("a parameter without a name ('{}') was ignored", shown(pair)),
                    ),
                ));
            } else if is_tracking_key(&name) {
                // Added by whoever passed the link on; not the page's business.
            } else if !reader.unknown.contains(&key) {
                reader.unknown_place = reader.unknown_place.min(place);
                reader.unknown.push(key);
            }
        }
        reader
    }

    fn check_version(&mut self, place: usize, value: &str) {
        match value.parse::<u32>() {
            Ok(version) if (FIRST_VERSION..=SCHEMA_VERSION).contains(&version) => {
                self.version = version;
            }
            _ => {
                // Most likely a link from a newer app: read it as the newest known.
                self.version = SCHEMA_VERSION;
                self.notices.push((
                    place,
                    Notice::new(
                        VERSION_KEY,
                        format!(
                            "unknown link version '{}' (allowed: {FIRST_VERSION} to \
                             {SCHEMA_VERSION}); read as version {SCHEMA_VERSION}",
                            shown(value)
                        ),
                    ),
                ));
            }
        }
    }

    /// The link's schema version (see the module docs): what a missing key means.
    pub fn version(&self) -> u32 {
        self.version
    }

    fn index(&self, key: &str) -> usize {
        self.keys
            .iter()
            .position(|&k| k == key)
            .unwrap_or_else(|| panic!("'{key}' is not one of this page's keys"))
    }

    /// The value of `key` if it is present and parses; otherwise `None`, with a
    /// notice when it was present. `fallback` says what is used instead
    /// (`using …`). A bare key (`?lr`) has no value.
    pub fn read<T>(
        &mut self,
        key: &'static str,
        parse: impl Fn(&str) -> Result<T, Problem>,
        fallback: impl Fn() -> String,
    ) -> Option<T> {
        self.read_raw(key, |raw| parse(raw.unwrap_or("")), fallback)
    }

    /// A `1`/`0` flag, `default` if absent or bad; a bare key (`?embed`) means on.
    pub fn read_flag(&mut self, key: &'static str, default: bool) -> bool {
        let fallback = || format!("using {}", u8::from(default));
        self.read_raw(key, |raw| raw.map_or(Ok(true), flag), fallback)
            .unwrap_or(default)
    }

    /// Reads each of `key`'s values that counts (see [`Repeats`]); `parse` gets the
    /// trimmed value, or `None` for a bare key.
    fn read_raw<T>(
        &mut self,
        key: &'static str,
        parse: impl Fn(Option<&str>) -> Result<T, Problem>,
        fallback: impl Fn() -> String,
    ) -> Option<T> {
        let index = self.index(key);
        let mut result = None;
        for (place, raw) in std::mem::take(&mut self.raw[index]) {
            let value = raw.as_deref().map(str::trim);
            let problem = match parse(value) {
                Ok(parsed) => {
                    result = Some(parsed);
                    continue;
                }
                Err(problem) if value.unwrap_or("").is_empty() => Problem {
                    what: "no value given".to_owned(),
                    allowed: problem.allowed,
                },
                Err(problem) => problem,
            };
            let message = format!(
                "{} (allowed: {}); {}",
                problem.what,
                problem.allowed,
                fallback()
            );
            self.notices.push((place, Notice::new(key, message)));
        }
        result
    }

    /// A notice about `key` that is not about its value alone (e.g. a rule that
    /// another key overrides); it takes the key's place among the notices.
    pub fn notice(&mut self, key: &'static str, message: impl Into<String>) {
        let place = self.place(key);
        self.notices.push((place, Notice::new(key, message)));
    }

    /// Where `key` stood in the query (after every other parameter when absent).
    fn place(&self, key: &str) -> usize {
        self.places[self.index(key)].unwrap_or(usize::MAX)
    }

    /// The notices, in the order of their parameters in the URL.
    pub fn finish(mut self) -> Vec<Notice> {
        if let Some(notice) = unknown_keys_notice(&self.unknown, self.keys) {
            self.notices.push((self.unknown_place, notice));
        }
        self.notices.sort_by_key(|(place, _)| *place);
        self.notices.into_iter().map(|(_, n)| n).collect()
    }
}

/// One notice for every key in `unknown` (in the URL's order): the first few by
/// name, then how many there are in all.
fn unknown_keys_notice(unknown: &[String], keys: &[&str]) -> Option<Notice> {
    let allowed = keys.join(", ");
    match unknown {
        [] => None,
        [key] => Some(Notice::new(
            shown(key),
            format!(
                "unknown parameter '{}' (allowed: {allowed}); ignored",
                shown(key)
            ),
        )),
        _ => {
            let named: Vec<String> = unknown
                .iter()
                .take(UNKNOWN_KEYS_NAMED)
                .map(|key| shown(key))
                .collect();
            let mut param = named.join(", ");
            if unknown.len() > named.len() {
                param += &format!(" and {} more", unknown.len() - named.len());
            }
            Some(Notice::new(
                param,
                format!(
                    "{} unknown parameters (allowed: {allowed}); ignored",
                    unknown.len()
                ),
            ))
        }
    }
}

/// A finite number in the range `allowed` describes and `ok` checks.
pub fn number<T>(value: &str, allowed: String, ok: impl Fn(T) -> bool) -> Result<T, Problem>
where
    T: std::str::FromStr + Copy + Into<f64>,
{
    match value.parse::<T>() {
        Ok(number) if number.into().is_finite() && ok(number) => Ok(number),
        Ok(_) => Err(Problem::new(
            format!("'{}' is out of range", shown(value)),
            allowed,
        )),
        Err(_) => Err(Problem::new(
            format!("'{}' is not a number", shown(value)),
            allowed,
        )),
    }
}

/// A number in `[min, max]` (`(min, max]` when `open_low`).
pub fn number_in<T>(value: &str, min: T, max: T, open_low: bool) -> Result<T, Problem>
where
    T: std::str::FromStr + Copy + Into<f64> + PartialOrd + fmt::Display,
{
    let allowed = format!(
        "a number in {}{min}, {max}]",
        if open_low { "(" } else { "[" }
    );
    number(value, allowed, |v| {
        v <= max && (v > min || (!open_low && v == min))
    })
}

/// A whole number in `min..=max`.
pub fn whole<T>(value: &str, min: T, max: T) -> Result<T, Problem>
where
    T: std::str::FromStr + PartialOrd + fmt::Display,
{
    let allowed = format!("a whole number from {min} to {max}");
    match value.parse::<T>() {
        Ok(number) if min <= number && number <= max => Ok(number),
        Ok(_) => Err(Problem::new(
            format!("'{}' is out of range", shown(value)),
            allowed,
        )),
        // Also what a number too large for the type gives.
        Err(_) => Err(Problem::new(
            format!("'{}' is not a whole number in range", shown(value)),
            allowed,
        )),
    }
}

/// An on/off value (see [`flag_value`]).
pub fn flag(value: &str) -> Result<bool, Problem> {
    flag_value(value)
        .ok_or_else(|| Problem::new(format!("'{}' is not a flag", shown(value)), "1 or 0"))
}

/// One of a list of names: `found` is what the page's own lookup gave, `what` names
/// the kind of thing (`task`), `allowed` lists the choices.
pub fn choice<T>(
    value: &str,
    what: &str,
    found: Option<T>,
    allowed: impl Into<String>,
) -> Result<T, Problem> {
    found.ok_or_else(|| Problem::new(format!("unknown {what} '{}'", shown(value)), allowed))
}

/// The names of `items`, separated by commas.
pub fn names<T: Copy>(
    items: impl IntoIterator<Item = T>,
    name: impl Fn(T) -> &'static str,
) -> String {
    items.into_iter().map(name).collect::<Vec<_>>().join(", ")
}

/// Writes a page's query: `?page=<page>`, then each value that differs from the
/// page's default, in the order of the page's key table.
pub struct QueryWriter(String);

impl QueryWriter {
    pub fn new(page: &str) -> Self {
        QueryWriter(format!("?page={page}"))
    }

    /// Adds `key=value` when `value` is not the default.
    pub fn differs<T: PartialEq + fmt::Display>(&mut self, key: &str, value: T, default: T) {
        if value != default {
            self.add(key, value);
        }
    }

    /// Adds `key=1` or `key=0` when `on` is not the default.
    pub fn flag(&mut self, key: &str, on: bool, default: bool) {
        self.differs(key, u8::from(on), u8::from(default));
    }

    pub fn add(&mut self, key: &str, value: impl fmt::Display) {
        use fmt::Write as _;
        let _ = write!(self.0, "&{key}={value}");
    }

    pub fn finish(self) -> String {
        self.0
    }
}

/// Adds the schema version to a non-empty query for the address bar; the bare URL
/// (the default page) stays bare, and a query that names its version already (a
/// page that keeps an old link's defaults) keeps it.
pub fn with_version(query: &str) -> String {
    let named = split_query(query)
        .iter()
        .any(|(key, _)| key.trim().eq_ignore_ascii_case(VERSION_KEY));
    if query.is_empty() || named {
        query.to_owned()
    } else {
        format!("{query}&{VERSION_KEY}={SCHEMA_VERSION}")
    }
}

/// Splits a query (with or without its `?`) into percent-decoded `(key, value)`
/// pairs in order; a bare key (`?embed`) has no value. Empty pairs are skipped.
pub fn split_query(query: &str) -> Vec<(String, Option<String>)> {
    let query = query.strip_prefix('?').unwrap_or(query);
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((key, value)) => (decode(key), Some(decode(value))),
            None => (decode(pair), None),
        })
        .collect()
}

/// Percent-decodes a query component, reading `+` as a space. A `%` not followed by
/// two hex digits stays as it is; invalid UTF-8 becomes U+FFFD.
pub fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex_at = |j: usize| {
            bytes
                .get(j)
                .and_then(|&b| (b as char).to_digit(16))
                .map(|d| d as u8)
        };
        match (bytes[i], hex_at(i + 1), hex_at(i + 2)) {
            (b'%', Some(high), Some(low)) => {
                out.push(high * 16 + low);
                i += 3;
            }
            (b'+', _, _) => {
                out.push(b' ');
                i += 1;
            }
            (byte, _, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The spellings every page accepts for an on/off parameter: `1`, `true`,
/// `yes`, `on` and `0`, `false`, `no`, `off`, in any case.
pub fn flag_value(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// A user's text for a message, cut to a readable length.
pub fn shown(text: &str) -> String {
    const MAX_CHARS: usize = 40;
    if text.chars().count() <= MAX_CHARS {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(MAX_CHARS).collect();
        format!("{cut}…")
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    const KEYS: &[&str] = &["alpha", "beta", "embed"];

    #[test]
    fn queries_are_percent_decoded_and_never_panic() {
        assert_eq!(
            split_query("?a=1+2&b&c=%41%zz%"),
            vec![
                ("a".into(), Some("1 2".into())),
                ("b".into(), None),
                ("c".into(), Some("A%zz%".into())),
            ]
        );
        assert_eq!(decode("%E2%82%AC"), "€");
        assert_eq!(decode("%FF"), "\u{FFFD}");
        assert_eq!(shown(&"x".repeat(50)).chars().count(), 41);
    }

    #[test]
    fn the_reader_keeps_the_last_value_and_names_what_it_ignores() {
        let mut reader = Reader::new(
            "?ALPHA=1&beta=x&alpha=2&gamma=3&=4&embed&page=rules",
            KEYS,
            Repeats::Last,
        );
        assert_eq!(
            reader.read("alpha", |v| whole(v, 0, 9), String::new),
            Some(2)
        );
        assert_eq!(
            reader.read("beta", |v| whole(v, 0, 9_u32), || "using 0".into()),
            None
        );
        assert!(reader.read_flag("embed", false));
        let notices: Vec<String> = reader.finish().iter().map(|n| n.to_string()).collect();
        assert_eq!(
            notices,
            [
                "beta: 'x' is not a whole number in range (allowed: a whole number from 0 to 9); \
                 using 0",
                "gamma: unknown parameter 'gamma' (allowed: alpha, beta, embed); ignored",
                "(no name): a parameter without a name ('=4') was ignored",
            ]
        );
    }

    #[test]
    fn tracking_keys_are_silent_and_unknown_keys_share_one_notice() {
        let reader = Reader::new(
            "?utm_source=course&UTM_Campaign=x&fbclid=1&gclid=2&mc_cid=3&mc_eid=4&_ga=5&ref=site",
            KEYS,
            Repeats::Last,
        );
        assert_eq!(reader.finish(), []);

        // Named in the URL's order, each once, among the other notices by the first's place.
        let reader = Reader::new("?beta=x&foo=1&utm_id=2&bar&foo=3", KEYS, Repeats::Last);
        let mut reader = reader;
        reader.read("beta", |v| whole(v, 0, 9_u32), || "using 0".into());
        let notices: Vec<String> = reader.finish().iter().map(|n| n.to_string()).collect();
        assert_eq!(
            notices,
            [
                "beta: 'x' is not a whole number in range (allowed: a whole number from 0 to 9); \
                 using 0",
                "foo, bar: 2 unknown parameters (allowed: alpha, beta, embed); ignored",
            ]
        );

        let many: Vec<String> = (0..400).map(|i| format!("junk{i}={i}")).collect();
        let notices = Reader::new(&many.join("&"), KEYS, Repeats::Last).finish();
        assert_eq!(notices.len(), 1);
        assert_eq!(
            notices[0].param,
            "junk0, junk1, junk2, junk3, junk4 and 395 more"
        );
        assert!(
            notices[0].message.starts_with("400 unknown parameters"),
            "{}",
            notices[0]
        );
    }

    #[test]
    fn repeats_count_as_the_page_says() {
        let query = "?alpha=5&alpha=x";
        let mut last = Reader::new(query, KEYS, Repeats::Last);
        assert_eq!(last.read("alpha", |v| whole(v, 0, 9), String::new), None);
        assert_eq!(last.finish().len(), 1);
        let mut usable = Reader::new(query, KEYS, Repeats::LastUsable);
        assert_eq!(
            usable.read("alpha", |v| whole(v, 0, 9), String::new),
            Some(5)
        );
        assert_eq!(usable.finish().len(), 1);
    }

    #[test]
    fn a_link_without_a_version_or_with_version_1_reads_as_version_1() {
        for query in [
            "?alpha=3",
            "?alpha=3&v=1",
            "?v=1&alpha=3",
            "?alpha=3&V=%201",
        ] {
            let mut reader = Reader::new(query, KEYS, Repeats::Last);
            assert_eq!(
                reader.read("alpha", |v| whole(v, 0, 9), String::new),
                Some(3)
            );
            assert!(reader.finish().is_empty(), "{query}");
        }
        let reader = Reader::new("?alpha=3", KEYS, Repeats::Last);
        assert_eq!(reader.version(), 1);
        let reader = Reader::new("?v=2", KEYS, Repeats::Last);
        assert_eq!(reader.version(), 2);
        assert!(reader.finish().is_empty());
        let reader = Reader::new("?v=3", KEYS, Repeats::Last);
        assert_eq!(reader.version(), SCHEMA_VERSION);
        let notices = reader.finish();
        assert_eq!(notices.len(), 1);
        assert_eq!(notices[0].param, "v");
        assert!(notices[0].message.contains("'3'"), "{}", notices[0]);
        assert_eq!(with_version(""), "");
        let mut writer = QueryWriter::new("cerebellum");
        writer.differs("freq", 2.5, 1.0);
        writer.differs("beta", 1.0, 1.0);
        writer.flag("embed", true, false);
        writer.add("basis", "alpha");
        assert_eq!(
            writer.finish(),
            "?page=cerebellum&freq=2.5&embed=1&basis=alpha"
        );
        assert_eq!(with_version("?alpha=3"), "?alpha=3&v=2");
        // A page keeping an old link's defaults says so itself.
        assert_eq!(with_version("?alpha=3&v=1"), "?alpha=3&v=1");
    }

    #[test]
    fn the_parsers_name_the_value_and_the_allowed_range() {
        assert_eq!(number_in("0.5", 0.0_f64, 1.0, true), Ok(0.5));
        assert_eq!(number_in("0", 0.0_f64, 1.0, false), Ok(0.0));
        let open = number_in("0", 0.0_f64, 1.0, true).unwrap_err();
        assert_eq!(open.what, "'0' is out of range");
        assert_eq!(open.allowed, "a number in (0, 1]");
        assert_eq!(
            number_in("NaN", 0.0_f32, 1.0, false).unwrap_err().what,
            "'NaN' is out of range"
        );
        assert_eq!(
            number_in("abc", 0.0_f32, 1.0, false).unwrap_err().what,
            "'abc' is not a number"
        );
        assert_eq!(whole("7", 1_u32, 9), Ok(7));
        assert_eq!(
            whole("99999999999999999999", 0_u64, u64::MAX)
                .unwrap_err()
                .what,
            "'99999999999999999999' is not a whole number in range"
        );
        assert_eq!(flag("ON"), Ok(true));
        assert_eq!(flag("no"), Ok(false));
        assert_eq!(flag("2").unwrap_err().allowed, "1 or 0");
        assert_eq!(choice("b", "letter", Some(2), "a, b"), Ok(2));
        assert_eq!(
            choice::<u8>("z", "letter", None, "a, b"),
            Err(Problem::new("unknown letter 'z'", "a, b"))
        );
    }
}
