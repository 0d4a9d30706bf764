import Foundation

/// What an experiment adds to the report template: the source of its claim, its setup rows, its
/// results sections (with any figures they show) and the figure files. Drawn from the record
/// alone: nothing is solved or trained while rendering.
public struct ReportParts: Sendable {
  /// Where the claim comes from, e.g. "THEORY.md §7 (Theorem 7.1)".
  var source: String
  /// Text between the findings and the claim (a source study's own words); empty for most.
  var preamble: String = ""
  /// The setup table's rows (the template adds the versions row and the sub-seeds).
  var setup: MarkdownTable
  /// The results sections, Markdown.
  var results: String
  /// The figure files the results show, as (file name, contents).
  var figures: [(name: String, contents: Data)] = []
}

/// The one report every experiment renders: title, verdict, findings, claim, setup, results
/// (figures within them) and the command that reproduces it, in that order.
enum ReportTemplate {
  static func markdown<Results>(_ record: RunRecord<Results>, _ parts: ReportParts) -> String {
    var out = ReportSections.header(title: record.toy.title, id: record.toy.id)
    if Results.hasFindings { out += ReportSections.headline(checks: record.checks, findings: record.findings) }
    out += ReportSections.verdict(record.checks)
    if Results.hasFindings { out += ReportSections.findings(record.findings, id: record.toy.id) }
    out += parts.preamble
    out += ReportSections.claim(record.toy.claim, source: parts.source)
    out += ReportSections.setup(parts.setup, seeds: record.seeds, versions: record.recordVersions)
    out += parts.results
    out += ReportSections.reproduce(record.reproduce.reproduce)
    return GuideLinks.annotated(out)
  }
}
