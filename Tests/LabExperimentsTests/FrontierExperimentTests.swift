import Foundation
import LabExperiments
import Testing

/// The frontier experiment on a small, quick toy: three SAEs per k, matched L0, and its files.
@Suite struct FrontierExperimentTests {
  @Test("trains the three architectures at every k with L0 ≤ k and renders the report, record and figure")
  func smallRun() throws {
    var toy = FrontierToy.default
    toy.sampleCount = 512
    toy.ks = [1, 3]
    toy.training.width = 16
    toy.training.steps = 60
    toy.training.batchSize = 64
    toy.training.plateauWindow = 30
    toy.heldOutCount = 256
    #expect(toy.problems().isEmpty, "\(toy.problems())")
    let product = try FrontierExperiment.product(toy, progress: { _ in })
    #expect(product.checks.map(\.id) == ["frontier/trained", "frontier/matched-l0", "frontier/plateau"])
    let provenance = Provenance(labVersion: "", glpkVersion: "", blasConfiguration: "", blasThreads: 1, startedAt: "", wallSeconds: 0, command: "")
    let files = try product.render(provenance, RunInvocation(reproduce: "lab run frontier", quick: false))
    #expect(files.map(\.name) == ["frontier.md", "frontier.svg", "frontier-loss.svg", "frontier-findings.svg", "frontier.json", Provenance.sidecarName(id: "frontier")])
    let record = try JSONSerialization.jsonObject(with: files[4].contents) as? [String: Any]
    let points = record?["points"] as? [[String: Any]] ?? []
    #expect(points.count == 6)
    let findings = record?["findings"] as? [[String: Any]] ?? []
    #expect(findings.count == 2 && findings.allSatisfy { ($0["seeds"] as? Int) == 5 && $0["outcome"] is String && $0["standardError"] is Double })
    #expect((findings[1]["claim"] as? String ?? "").contains("same L0"))
    for point in points {
      let k = point["k"] as? Int ?? 0, l0 = point["l0"] as? Double ?? .nan
      #expect(l0 <= Double(k) && l0 > 0, "\(point)")
      let loss = point["trainingLoss"] as? [[Double]] ?? []
      let steps = point["steps"] as? Int ?? 0
      #expect(steps % 30 == 0 && steps <= 60 && steps > 0, "trained in windows of 30 steps up to the cap of 60: \(steps)")
      #expect(loss.count == steps && loss.map { $0[0] } == (0..<steps).map { Double($0 + 1) }, "one entry per step (60-step cap, 40 points requested)")
      #expect(loss.allSatisfy { $0[1] > 0 && $0[1].isFinite })
    }
    for svg in [files[1], files[2]] { #expect(String(decoding: svg.contents, as: UTF8.self).hasPrefix("<svg")) }
    let markdown = String(decoding: files[0].contents, as: UTF8.self)
    #expect(markdown.contains("](frontier-loss.svg)") && markdown.contains("## At matched L0"))
    // A record written before the loss was recorded re-renders without the loss figure.
    var old = try JSONSerialization.jsonObject(with: files[4].contents) as? [String: Any] ?? [:]
    old["points"] = points.map { $0.filter { $0.key != "trainingLoss" } }
    let oldRecord = try RunRecords.parse(FrontierExperiment.Record.self, id: "frontier", data: JSONSerialization.data(withJSONObject: old),
                                         path: "frontier.json")
    let oldFiles = try oldRecord.reportFiles()
    #expect(oldFiles.map(\.name) == ["frontier.md", "frontier.svg", "frontier-findings.svg"])
    #expect(!String(decoding: oldFiles[0].contents, as: UTF8.self).contains("frontier-loss.svg"))
  }

  @Test("a bad frontier toy is refused naming the field") func problems() {
    var toy = FrontierToy.default
    toy.ks = [3, 1]
    toy.training.learningRate = -1
    let found = toy.problems().joined(separator: " ")
    #expect(found.contains("'ks'") && found.contains("training.learningRate"))
  }
}
