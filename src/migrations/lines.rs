//! Byte offsets to line numbers, for text that is a whole file or a string inside one.

/// The start offset of every line of a text, so an offset maps to its line by binary search.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    /// The 1-based line holding byte `offset` (an offset past the end is on the last line).
    pub fn line(&self, offset: usize) -> u32 {
        let idx = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        u32::try_from(idx + 1).unwrap_or(u32::MAX)
    }
}

/// Where a piece of SQL sits in its file: the file line of each of the SQL's own lines.
///
/// A `.sql` file maps to itself; SQL taken from a Python string starts on the string's line and
/// may skip lines where the source had escapes, so each SQL line carries its own file line.
#[derive(Debug, Clone)]
pub struct LineMap {
    index: LineIndex,
    /// File line of SQL line `i + 1`; empty means "SQL line n is file line n".
    file_lines: Vec<u32>,
}

impl LineMap {
    /// SQL that is the whole file.
    pub fn identity(text: &str) -> Self {
        LineMap {
            index: LineIndex::new(text),
            file_lines: Vec::new(),
        }
    }

    /// SQL whose line `i + 1` is on file line `file_lines[i]`.
    pub fn embedded(text: &str, file_lines: Vec<u32>) -> Self {
        LineMap {
            index: LineIndex::new(text),
            file_lines,
        }
    }

    /// The file line of byte `offset` of the SQL.
    pub fn file_line(&self, offset: usize) -> u32 {
        self.map_line(self.index.line(offset))
    }

    /// The file line of SQL line `line`.
    pub fn map_line(&self, line: u32) -> u32 {
        if self.file_lines.is_empty() {
            return line;
        }
        let i = (line as usize).saturating_sub(1);
        self.file_lines
            .get(i)
            .or(self.file_lines.last())
            .copied()
            .unwrap_or(line)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn offsets_map_to_one_based_lines() {
        let idx = LineIndex::new("a\nbc\n\nd");
        assert_eq!(idx.line(0), 1);
        assert_eq!(idx.line(1), 1);
        assert_eq!(idx.line(2), 2);
        assert_eq!(idx.line(5), 3);
        assert_eq!(idx.line(6), 4);
        assert_eq!(idx.line(99), 4);
    }

    #[test]
    fn embedded_sql_lines_map_to_their_file_lines() {
        let map = LineMap::embedded("x\ny\nz", vec![10, 11, 13]);
        assert_eq!(map.file_line(0), 10);
        assert_eq!(map.file_line(2), 11);
        assert_eq!(map.file_line(4), 13);
        assert_eq!(map.map_line(9), 13);
    }
}
