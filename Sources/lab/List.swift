import ArgumentParser
import Foundation
import LabExperiments

/// `lab list`: the registered experiments with their one-line descriptions and last verdicts.
struct List: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list",
    abstract: "List the experiments with their one-line descriptions and the verdict of their saved run records.",
    discussion: """
      Examples:
        lab list
        lab list --out /tmp/reports --json
      """)

  @OptionGroup var output: ReportDirectoryOptions

  @OptionGroup var format: JSONOutputOptions

  func run() throws {
    let rows = ExperimentIndex.statuses(in: output.out)
    if format.json {
      let items: [[String: Any]] = rows.map { entry, status in
        let counts = status.findingCounts
        var item: [String: Any] = ["experiment": entry.id, "title": entry.title, "verdict": status.verdict,
                                   "findings": ["reproduced": counts.reproduced, "refuted": counts.refuted, "inconclusive": counts.inconclusive]]
        if case .recorded(let summary) = status {
          item["checks"] = summary.checks.count
          item["passed"] = summary.checks.filter { $0.status == .pass }.count
          item["quick"] = summary.invocation?.quick ?? false
        }
        if case .unreadable(let reason) = status { item["error"] = reason }
        return item
      }
      print(String(decoding: try JSONSerialization.data(withJSONObject: items, options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self))
      return
    }
    let width = rows.map(\.entry.id.count).max() ?? 0
    for (entry, status) in rows {
      let findings = status.findings == "—" ? "" : "; findings: " + status.findings
      print(entry.id.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + entry.title + "  [" + status.mark + status.verdict + findings + "]")
      if case .unreadable(let reason) = status { print("  " + reason) }
    }
  }
}
