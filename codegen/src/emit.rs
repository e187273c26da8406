//! Generated code written out as source files, one per venue, for a build script to `include!`.
//!
//! One file per venue keeps an edit to one venue's spec from changing the text, and so the
//! spans and the incremental-compilation fingerprints, of every other venue: rustc re-checks and
//! re-generates code for the venue that changed and reuses the rest. The files are formatted
//! with `prettyplease`, so the code a build uses can be read as it is
//! (`target/*/build/generated-*/out/`).

use std::path::Path;

use crate::{SpecErrors, generate, model::Venue};

/// One generated source file: its name (relative to the output folder) and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// The file name: `<venue id>.rs`, or [`ROOT_FILE`].
    pub name: String,
    /// The formatted Rust source.
    pub text: String,
}

/// The file that `include!`s every venue's file and declares the `VENUES` registry.
pub const ROOT_FILE: &str = "venues.rs";

/// The first line of every file written.
const HEADER: &str = "// Generated from specs/ by the build script. Do not edit.\n\n";

/// Which venues to generate: all of them, or the ids listed (for builds that need a few).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// Every venue under the specs folder.
    All,
    /// Only these venue ids; naming an id that has no folder is an error.
    Only(Vec<String>),
}

impl Selection {
    /// Reads a comma-separated list of venue ids (`acme,zeta`); empty or absent means all.
    pub fn parse(list: Option<&str>) -> Self {
        let ids: Vec<String> = list
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        if ids.is_empty() {
            Self::All
        } else {
            Self::Only(ids)
        }
    }

    /// Keeps the selected venues, or says which requested ids match no venue.
    fn apply(&self, venues: Vec<Venue>) -> Result<Vec<Venue>, String> {
        let Self::Only(ids) = self else {
            return Ok(venues);
        };
        let unknown: Vec<&str> = ids
            .iter()
            .filter(|id| !venues.iter().any(|v| &v.id == *id))
            .map(String::as_str)
            .collect();
        if !unknown.is_empty() {
            let known: Vec<&str> = venues.iter().map(|v| v.id.as_str()).collect();
            return Err(format!(
                "venue selection names {} but the specs hold only {}",
                unknown.join(", "),
                known.join(", ")
            ));
        }
        Ok(venues.into_iter().filter(|v| ids.contains(&v.id)).collect())
    }
}

/// What [`files`] produces when the specs are wrong: the root file then holds a
/// `compile_error!` per error, so the build fails naming each spec file, line and field.
fn error_root(messages: impl IntoIterator<Item = String>) -> Vec<SourceFile> {
    let text = messages
        .into_iter()
        .map(|m| format!("::core::compile_error!({m:?});\n"))
        .collect();
    vec![SourceFile {
        name: ROOT_FILE.into(),
        text,
    }]
}

/// The suffix of the venue copies [`files_with_copies`] adds: `acme` is copied as `acme_copy`.
pub const COPY_SUFFIX: &str = "_copy";

/// Loads `specs_dir`, keeps the `selection`, and renders one file per venue plus
/// [`ROOT_FILE`], which the including crate `include!`s once (with `OUT_DIR` set to the folder
/// the files are written to). Spec errors become `compile_error!`s in the root file.
pub fn files(specs_dir: &Path, display_base: &Path, selection: &Selection) -> Vec<SourceFile> {
    files_with_copies(specs_dir, display_base, selection, false)
}

/// [`files`], and with `copies` also a copy of every venue under `<id>`[`COPY_SUFFIX`]
/// ([`crate::load_with_copies`]): what the copy test builds, to show that a venue folder copied
/// under a new id is a working venue with no Rust edit. A selection names seeds and copies alike.
pub fn files_with_copies(
    specs_dir: &Path,
    display_base: &Path,
    selection: &Selection,
    copies: bool,
) -> Vec<SourceFile> {
    let loaded = if copies {
        crate::load_with_copies(specs_dir, display_base, COPY_SUFFIX)
    } else {
        crate::load(specs_dir, display_base)
    };
    let venues = match loaded {
        Ok(v) => v,
        Err(SpecErrors(errors)) => return error_root(errors.iter().map(|e| e.to_string())),
    };
    let venues = match selection.apply(venues) {
        Ok(v) => v,
        Err(msg) => return error_root([msg]),
    };
    let mut out = Vec::with_capacity(venues.len() + 1);
    let mut root = String::from(HEADER);
    for v in &venues {
        let name = format!("{}.rs", v.id);
        root.push_str(&format!(
            "include!(concat!(env!(\"OUT_DIR\"), \"/{name}\"));\n"
        ));
        out.push(SourceFile {
            name,
            text: render(generate::venue(v)),
        });
    }
    root.push('\n');
    root.push_str(render(generate::registry_root(&venues)).trim_start_matches(HEADER));
    out.push(SourceFile {
        name: ROOT_FILE.into(),
        text: root,
    });
    out
}

/// Formats tokens that the generator produced; they always parse as a file.
fn render(tokens: proc_macro2::TokenStream) -> String {
    match crate::pretty(tokens.clone()) {
        Ok(text) => format!("{HEADER}{text}"),
        // Not expected: keep the tokens so rustc reports what is wrong with them.
        Err(_) => format!("{HEADER}{tokens}\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_selection_is_a_comma_separated_list_and_empty_means_all() {
        assert_eq!(Selection::parse(None), Selection::All);
        assert_eq!(Selection::parse(Some(" , ")), Selection::All);
        assert_eq!(
            Selection::parse(Some("a, b")),
            Selection::Only(vec!["a".into(), "b".into()])
        );
    }

    fn specs() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs")
    }

    fn venue_ids(files: &[SourceFile]) -> Vec<String> {
        let mut ids: Vec<String> = files
            .iter()
            .filter(|f| f.name != ROOT_FILE)
            .map(|f| f.name.trim_end_matches(".rs").to_string())
            .collect();
        ids.sort();
        ids
    }

    #[test]
    fn every_venue_folder_is_one_file_and_the_root_includes_each() {
        let all = files(&specs(), &specs(), &Selection::All);
        let ids = venue_ids(&all);
        let folders = crate::load(&specs(), &specs()).unwrap();
        assert_eq!(ids.len(), folders.len());
        let root = &all.iter().find(|f| f.name == ROOT_FILE).unwrap().text;
        for id in &ids {
            assert!(root.contains(&format!("\"/{id}.rs\"")), "{root}");
        }
        assert!(root.contains("pub const VENUES"), "{root}");
    }

    #[test]
    fn a_selection_keeps_its_venues_and_refuses_unknown_ids_by_name() {
        let first = crate::load(&specs(), &specs()).unwrap()[0].id.clone();
        let one = files(&specs(), &specs(), &Selection::Only(vec![first.clone()]));
        assert_eq!(venue_ids(&one), vec![first]);
        let bad = files(&specs(), &specs(), &Selection::parse(Some("no_such_venue")));
        assert_eq!(bad.len(), 1);
        assert!(bad[0].text.contains("compile_error!"), "{}", bad[0].text);
        assert!(bad[0].text.contains("no_such_venue"), "{}", bad[0].text);
    }

    #[test]
    fn copies_are_every_venue_again_under_its_suffixed_id_with_only_the_id_changed() {
        let seeds = files(&specs(), &specs(), &Selection::All);
        let all = files_with_copies(&specs(), &specs(), &Selection::All, true);
        let seed_ids = venue_ids(&seeds);
        let mut want: Vec<String> = seed_ids
            .iter()
            .flat_map(|id| [id.clone(), format!("{id}{COPY_SUFFIX}")])
            .collect();
        want.sort();
        assert_eq!(venue_ids(&all), want);
        let text = |files: &[SourceFile], id: &str| {
            let name = format!("{id}.rs");
            files.iter().find(|f| f.name == name).unwrap().text.clone()
        };
        for id in &seed_ids {
            // The seed's code is as without copies; the copy's differs only where the id is.
            assert_eq!(text(&all, id), text(&seeds, id));
            let copy = format!("{id}{COPY_SUFFIX}");
            assert_ne!(text(&all, &copy), text(&seeds, id));
            // The id, and the credentials' environment names made from it.
            let renamed = text(&all, &copy)
                .replace(&copy, id)
                .replace(&copy.to_uppercase(), &id.to_uppercase());
            let seed = text(&seeds, id);
            let differ = renamed.lines().zip(seed.lines()).find(|(a, b)| a != b);
            assert_eq!(differ, None, "{copy}");
            assert_eq!(renamed.len(), seed.len(), "{copy}");
        }
    }
}
