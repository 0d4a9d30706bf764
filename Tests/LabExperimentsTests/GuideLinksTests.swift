import Foundation
import LabExperiments
import Testing

/// The links from reports to `docs/theory-guide.md`: every anchor exists in the guide, and a report
/// gets exactly the terms it uses.
@Suite struct GuideLinksTests {
  static let guide = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../../docs/theory-guide.md").standardized

  @Test("every linked term has its anchor in the guide, once")
  func anchorsExist() throws {
    let text = try String(contentsOf: Self.guide, encoding: .utf8)
    for term in GuideLinks.terms {
      let anchor = "id=\"\(term.anchor)\""
      #expect(text.components(separatedBy: anchor).count == 2, "docs/theory-guide.md has \(anchor) \(text.components(separatedBy: anchor).count - 1) times (\(term.name))")
    }
  }

  @Test("every link from README.md into the guide names an anchor or a heading the guide has")
  func readmeLinks() throws {
    let guide = try String(contentsOf: Self.guide, encoding: .utf8)
    let readme = try String(contentsOf: Self.guide.deletingLastPathComponent().appendingPathComponent("../README.md").standardized,
                            encoding: .utf8)
    let fragments = readme.components(separatedBy: "docs/theory-guide.md#").dropFirst().map { $0.prefix { $0 != ")" } }
    #expect(!fragments.isEmpty)
    // GitHub's heading ids: lower case, punctuation other than '-' dropped, spaces as '-'.
    let headings = guide.split(separator: "\n").filter { $0.hasPrefix("#") }.map { line in
      String(line.drop { $0 == "#" }.dropFirst().lowercased().filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == " " || $0 == "_" })
        .replacingOccurrences(of: " ", with: "-")
    }
    for fragment in fragments {
      #expect(guide.contains("id=\"\(fragment)\"") || headings.contains(String(fragment)), "README.md links docs/theory-guide.md#\(fragment)")
    }
  }

  @Test("a report links the terms it uses, in the guide's order, and nothing when it uses none")
  func annotation() {
    let report = "# T\n\nLP-R -1.03, LP-K -10.4, scale 7.1 → descent-found; KKT 1e-12.\n"
    let annotated = GuideLinks.annotated(report)
    #expect(annotated.hasPrefix(report))
    let line = annotated.split(separator: "\n").last.map(String.init) ?? ""
    let names = GuideLinks.terms(usedIn: report).map(\.name)
    #expect(names == ["KKT (K1)–(K3)", "LP-K", "LP-R / LIN", "verdict"])
    for name in names { #expect(line.contains("[\(name)](../docs/theory-guide.md#")) }
    #expect(!line.contains("MMCS"))
    #expect(GuideLinks.annotated("# Nothing here\n") == "# Nothing here\n")
  }
}
