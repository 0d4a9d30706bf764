/// A GitHub-flavoured Markdown table builder; cells have `|` escaped.
struct MarkdownTable {
  let header: [String]
  var rows: [[String]] = []

  init(_ header: String...) { self.header = header }

  /// A table whose columns are only known at run time.
  init(header: [String]) { self.header = header }

  mutating func add(_ cells: String...) { rows.append(cells) }

  /// Adds a row given as an array.
  mutating func add(row cells: [String]) { rows.append(cells) }

  var text: String {
    func line(_ cells: [String]) -> String {
      "| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |"
    }
    return ([line(header), line(header.map { _ in "---" })] + rows.map(line)).joined(separator: "\n") + "\n"
  }
}
