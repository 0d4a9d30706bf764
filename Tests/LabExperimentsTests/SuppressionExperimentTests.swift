import Foundation
@testable import LabExperiments
import LabNumerics
import LabRandom
import LabSolvers
import PropertyBased
import LabTestSupport
import Testing

/// The suppression experiment on a small toy, its report as a pure function of its record, and
/// the norm identity of Theorem 8.3 it checks.
@Suite struct SuppressionExperimentTests {
  /// A small version of the default toy: few samples, steps and dictionary-learning iterations.
  static var small: SuppressionToy { SmallToys.suppression }

  static let provenance = Provenance(labVersion: "", glpkVersion: "", blasConfiguration: "", blasThreads: 1, startedAt: "", wallSeconds: 0, command: "")

  @Test("a small run is deterministic, passes Theorem 8.3 on exact codes, and its report re-renders from the saved record")
  func smallRun() throws {
    #expect(Self.small.problems().isEmpty, "\(Self.small.problems())")
    let first = try SuppressionExperiment.run(Self.small), second = try SuppressionExperiment.run(Self.small)
    #expect(try RecordEncoding.encode(first) == RecordEncoding.encode(second))
    let bounds = first.checks.filter { $0.id.hasSuffix("/bound") }
    #expect(bounds.count == 2 * Self.small.inputScales.count && bounds.allSatisfy { $0.status == .pass }, "\(bounds.map(\.measured))")
    for scale in first.scales {
      #expect(scale.candidates.map(\.method) == SuppressionExperiment.saeMethods + SuppressionExperiment.exactMethods)
      for candidate in scale.candidates {
        #expect(candidate.byNorm.bins.reduce(0) { $0 + $1.samples } <= Self.small.evaluationSamples)
        #expect(candidate.metrics.featureShrinkage.count == Self.small.world.featureCount)
      }
    }
    #expect(first.findings.allSatisfy { !$0.measured.isEmpty })

    var record = first
    record.provenance = Self.provenance
    record.invocation = RunInvocation(reproduce: "lab run suppression", quick: false)
    let files = try record.allFiles(id: "suppression")
    #expect(files.map(\.name) == ["suppression.md", "suppression-norm.svg", "suppression-deficit.svg", "suppression-features.svg", "suppression-findings.svg",
                                   "suppression.json"])
    for svg in files[1...3] { #expect(String(decoding: svg.contents, as: UTF8.self).hasPrefix("<svg")) }
    let markdown = String(decoding: files[0].contents, as: UTF8.self)
    for figure in files[1...3] { #expect(markdown.contains("(\(figure.name))")) }
    let saved = try RecordEncoding.decode(SuppressionExperiment.Record.self, from: files[5].contents)
    let rerendered = try saved.reportFiles()
    #expect(rerendered.map(\.name) == files.dropLast().map(\.name))
    for (again, original) in zip(rerendered, files) { #expect(again.contents == original.contents, "\(original.name) re-rendered differently") }
  }

  @Test("a point result in another point's place, or the ReLU-L1 point without its exact codes, is refused naming the point")
  func foreignPoints() throws {
    let toy = Self.small, names = SuppressionExperiment.seedPoints(toy)
    let all = try SuppressionExperiment.runPoints(Array(SuppressionExperiment.sweepPoints(toy).indices), of: toy) { _ in }
    #expect(try RecordEncoding.encode(SuppressionExperiment.record(toy, results: all)) == RecordEncoding.encode(SuppressionExperiment.run(toy)))
    let results = Array(all.prefix(names.count))  // seed 0, which is the toy itself
    func refusal(_ edited: [SuppressionExperiment.PointResult]) -> SweepPointError? {
      do { _ = try SuppressionExperiment.seedRecord(toy, results: edited) } catch let error as SweepPointError { return error } catch {}
      return nil
    }
    var swapped = results
    swapped.swapAt(2, 4)  // topk and dictionary learning at the first scale
    #expect(refusal(swapped)?.index == 2 && refusal(swapped)?.message.contains("'\(names[2])'") == true, "\(String(describing: refusal(swapped)))")
    var bare = results
    guard case .sae(let candidate, _) = results[5] else { Issue.record("point 5 is not an SAE"); return }
    bare[5] = .sae(candidate, exactCodes: nil)
    #expect(refusal(bare)?.index == 5 && names[5].hasSuffix("/relu-l1"))
  }

  @Test("the quick configuration keeps the scales and candidates and shrinks the work") func quick() {
    let full = SuppressionToy.default, quick = full.quick()
    #expect(quick.problems().isEmpty)
    #expect(quick.inputScales == full.inputScales && quick.l1Coefficient == full.l1Coefficient && quick.topK == full.topK)
    #expect(quick.trainingSamples < full.trainingSamples && quick.training.steps < full.training.steps
            && quick.dictionaryLearning.maxIterations < full.dictionaryLearning.maxIterations)
  }

  @Test("a bad suppression toy names the field and the value") func problems() {
    var toy = SuppressionToy.default
    toy.inputScales = [1, -2]
    toy.topK = 99
    toy.magnitudeBins = [1]
    let found = toy.problems()
    #expect(found.contains("'inputScales' must be distinct finite numbers > 0, got [1.0, -2.0]"))
    #expect(found.contains("'topK' must be in 1...32, got 99"))
    #expect(found.contains("'magnitudeBins' must be at least two increasing finite edges, got [1.0]"))
  }

  /// Proposition 2.2: for exact lasso codes of any unit-norm dictionary the identity holds to rounding;
  /// the same codes doubled break it by a margin.
  @Test("the norm identity of Theorem 8.3 holds for exact lasso codes and fails for doubled codes") func normIdentity() async {
    await propertyCheck(count: 25, input: Gen.int(in: 1...6), Gen.int(in: 2...5), Gen.double(in: 0.05...1), Gen.uint64()) { k, m, lambda, seed in
      var generator = SeedTree(root: seed).generator(for: "identity")
      let dictionary = BlockMinimization.normalizedRows(Matrix(rows: k, columns: m, storage: (0..<(k * m)).map { _ in generator.nextNormal() }))
      let x = Matrix(rows: 20, columns: m, storage: (0..<(20 * m)).map { _ in 2 * generator.nextNormal() })
      let bias = (0..<m).map { _ in 0.2 * generator.nextNormal() }
      let codes = NonnegativeLasso(dictionary: dictionary, lambda: lambda).codes(for: x, bias: bias)
      func reconstruction(_ z: Matrix<Double>) -> Matrix<Double> {
        var h = z.multiplied(by: dictionary)
        for t in 0..<h.rows { for d in 0..<m { h[t, d] += bias[d] } }
        return h
      }
      #expect(SuppressionExperiment.normIdentityGap(inputs: x, reconstructions: reconstruction(codes), codes: codes, bias: bias, lambda: lambda) <= 1e-9)
      // Doubling the codes leaves a gap of 4‖Dz‖²/max(1, ‖x − b‖²) at each point.
      let fitted = codes.multiplied(by: dictionary)
      guard (0..<fitted.rows).contains(where: { t in fitted.row(t).reduce(0) { $0 + $1 * $1 } > 0.01 }) else { return }
      let doubled = Matrix(rows: codes.rows, columns: codes.columns, storage: codes.storage.map { 2 * $0 })
      #expect(SuppressionExperiment.normIdentityGap(inputs: x, reconstructions: reconstruction(doubled), codes: doubled, bias: bias, lambda: lambda) > 1e-6)
    }
  }
}
