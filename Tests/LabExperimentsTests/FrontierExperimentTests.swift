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
    #expect(toy.problems().isEmpty, "\(toy.problems())")
    let product = try FrontierExperiment.product(toy, progress: { _ in })
    #expect(product.checks.map(\.id) == ["frontier/trained"])
    let provenance = Provenance(labVersion: "", glpkVersion: "", blasConfiguration: "", blasThreads: 1, startedAt: "", wallSeconds: 0, command: "")
    let files = try product.render(provenance, RunInvocation(reproduce: "lab run frontier", quick: false))
    #expect(files.map(\.name) == ["frontier.md", "frontier.svg", "frontier.json"])
    let record = try JSONSerialization.jsonObject(with: files[2].contents) as? [String: Any]
    let points = record?["points"] as? [[String: Any]] ?? []
    #expect(points.count == 6)
    let findings = record?["findings"] as? [[String: Any]] ?? []
    #expect(findings.count == 3 && findings.allSatisfy { $0["reproduced"] is Bool })
    for point in points {
      let k = point["k"] as? Int ?? 0, l0 = point["l0"] as? Double ?? .nan
      #expect(l0 <= Double(k) && l0 > 0, "\(point)")
    }
    #expect(String(decoding: files[1].contents, as: UTF8.self).hasPrefix("<svg"))
  }

  @Test("a bad frontier toy is refused naming the field") func problems() {
    var toy = FrontierToy.default
    toy.ks = [3, 1]
    toy.training.learningRate = -1
    let found = toy.problems().joined(separator: " ")
    #expect(found.contains("'ks'") && found.contains("training.learningRate"))
  }
}
