//! Positions of every node of a YAML document, by field path.
//!
//! serde gives typed values but no spans, so the loader also walks the document's parse events
//! (yaml-rust2) and records where each mapping key and sequence item starts. Validation errors
//! are then reported at the node they are about. The walk also rejects duplicate mapping keys,
//! which serde would silently merge.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

use crate::error::Position;

/// One step of a path into a document.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Segment {
    /// A mapping key.
    Key(String),
    /// A sequence index.
    Index(usize),
}

/// A path into a document.
pub type Path = Vec<Segment>;

/// Renders a path the way errors show it: `response.fields.state`, `examples[0].body`.
pub fn display_path(path: &[Segment]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Segment::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Segment::Index(i) => {
                out.push_str(&format!("[{i}]"));
            }
        }
    }
    out
}

/// A YAML problem found while mapping positions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapError {
    /// Where.
    pub position: Position,
    /// The path of the offending node.
    pub path: Path,
    /// What.
    pub message: String,
}

/// Where each node of a document starts.
#[derive(Debug, Default)]
pub struct SourceMap {
    positions: HashMap<Path, Position>,
}

impl SourceMap {
    /// Parses `text` and records the position of every node. Fails on YAML syntax errors and
    /// duplicate keys.
    pub fn build(text: &str) -> Result<SourceMap, MapError> {
        let mut builder = Builder::default();
        let mut parser = Parser::new_from_str(text);
        if let Err(e) = parser.load(&mut builder, false) {
            let m = e.marker();
            return Err(MapError {
                position: position(m),
                path: builder.current_path(),
                message: format!("YAML syntax error: {}", e.info()),
            });
        }
        if let Some(err) = builder.error {
            return Err(err);
        }
        Ok(SourceMap {
            positions: builder.positions,
        })
    }

    /// The position of the node at `path`, or of its nearest ancestor that exists.
    pub fn position(&self, path: &[Segment]) -> Position {
        let mut len = path.len();
        loop {
            if let Some(p) = self.positions.get(&path[..len]) {
                return *p;
            }
            if len == 0 {
                return Position { line: 1, column: 1 };
            }
            len -= 1;
        }
    }
}

fn position(m: &Marker) -> Position {
    // yaml-rust2 lines are 1-based, columns 0-based.
    Position {
        line: m.line(),
        column: m.col() + 1,
    }
}

/// A container being walked.
#[derive(Debug)]
enum Frame {
    Mapping {
        /// The key waiting for its value, if the next node is a value.
        pending_key: Option<String>,
        seen: HashMap<String, Position>,
    },
    Sequence {
        next: usize,
    },
}

#[derive(Debug, Default)]
struct Builder {
    positions: HashMap<Path, Position>,
    path: Path,
    frames: Vec<Frame>,
    /// For each open container: whether it pushed a path segment when it started.
    pushed: Vec<bool>,
    error: Option<MapError>,
}

impl Builder {
    fn current_path(&self) -> Path {
        self.path.clone()
    }

    /// Called at the start of every node (scalar, alias, mapping, sequence). Returns false when
    /// the node is a mapping key (keys are not nodes of the path).
    fn enter_node(&mut self, key_text: Option<&str>, at: Position) -> bool {
        match self.frames.last_mut() {
            Some(Frame::Mapping { pending_key, seen }) => match pending_key.take() {
                None => {
                    // This node is a key.
                    let key = key_text.unwrap_or("<complex key>").to_string();
                    if let Some(first) = seen.get(&key) {
                        if self.error.is_none() {
                            let mut path = self.path.clone();
                            path.push(Segment::Key(key.clone()));
                            self.error = Some(MapError {
                                position: at,
                                path,
                                message: format!(
                                    "duplicate key `{key}` (first defined at line {})",
                                    first.line
                                ),
                            });
                        }
                    } else {
                        seen.insert(key.clone(), at);
                    }
                    let mut path = self.path.clone();
                    path.push(Segment::Key(key.clone()));
                    self.positions.entry(path).or_insert(at);
                    *pending_key = Some(key);
                    false
                }
                Some(key) => {
                    self.path.push(Segment::Key(key));
                    true
                }
            },
            Some(Frame::Sequence { next }) => {
                let i = *next;
                *next += 1;
                self.path.push(Segment::Index(i));
                self.positions.entry(self.path.clone()).or_insert(at);
                true
            }
            None => {
                self.positions.entry(Vec::new()).or_insert(at);
                true
            }
        }
    }

    /// Called when a scalar or alias ends; pops the segment `enter_node` pushed.
    fn leave_node(&mut self, pushed: bool) {
        if pushed && !self.frames.is_empty() {
            self.path.pop();
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        let at = position(&mark);
        match ev {
            Event::Scalar(text, ..) => {
                let pushed = self.enter_node(Some(&text), at);
                self.leave_node(pushed);
            }
            Event::Alias(_) => {
                let pushed = self.enter_node(None, at);
                self.leave_node(pushed);
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let pushed = self.enter_node(None, at) && !self.frames.is_empty();
                let kind = if matches!(ev, Event::MappingStart(..)) {
                    Frame::Mapping {
                        pending_key: None,
                        seen: HashMap::new(),
                    }
                } else {
                    Frame::Sequence { next: 0 }
                };
                self.frames.push(kind);
                self.pushed.push(pushed);
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.frames.pop();
                if self.pushed.pop() == Some(true) {
                    self.path.pop();
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(k: &str) -> Segment {
        Segment::Key(k.to_string())
    }

    #[test]
    fn records_keys_and_items() {
        let text = "a:\n  b: 1\n  c:\n    - x\n    - y: 2\n";
        let map = SourceMap::build(text).unwrap();
        assert_eq!(map.position(&[key("a")]), Position { line: 1, column: 1 });
        assert_eq!(
            map.position(&[key("a"), key("c")]),
            Position { line: 3, column: 3 }
        );
        assert_eq!(
            map.position(&[key("a"), key("c"), Segment::Index(1), key("y")]),
            Position { line: 5, column: 7 }
        );
        // Missing node: nearest ancestor.
        assert_eq!(
            map.position(&[key("a"), key("b"), key("zz")]),
            Position { line: 2, column: 3 }
        );
    }

    #[test]
    fn rejects_duplicate_keys_at_the_second() {
        let text = "a:\n  b: 1\n  b: 2\n";
        let err = SourceMap::build(text).unwrap_err();
        assert_eq!(err.position, Position { line: 3, column: 3 });
        assert_eq!(display_path(&err.path), "a.b");
        assert!(err.message.contains("duplicate key `b`"), "{}", err.message);
    }

    #[test]
    fn reports_syntax_errors_with_position() {
        let err = SourceMap::build("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(
            err.message.starts_with("YAML syntax error"),
            "{}",
            err.message
        );
        assert!(err.position.line >= 1);
    }

    #[test]
    fn flow_mappings_are_mapped_too() {
        let map = SourceMap::build("x: {\"p\": 1, \"q\": [3, 4]}\n").unwrap();
        assert_eq!(
            map.position(&[key("x"), key("q"), Segment::Index(1)]),
            Position {
                line: 1,
                column: 22
            }
        );
    }
}
