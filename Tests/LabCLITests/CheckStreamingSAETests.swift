import Foundation
import LabTestSupport
import Testing

/// `lab check --sae … --streaming`: the passes that check SAEs too large for the dense codes
/// (issue 19, item 5) decide as the in-memory checks do, on both views of the SAE.
@Suite("lab check --sae, streaming")
struct CheckStreamingSAETests {
  @Test("--streaming gives the in-memory verdicts and LP-K values on the dictionary view and on the SAE's own codes")
  func streamingAgrees() throws {
    let directory = try Scratch.directory()
    let (x, sae) = try CheckCommandTests.trainedSAE(in: directory)
    func check(_ extra: [String], _ name: String) throws -> [String: Any] {
      let json = directory.appendingPathComponent(name).path
      let result = try LabExecutable.run(["check", "--data", x, "--sae", sae, "--lambda", "0.05", "--json-out", json, "--quiet"] + extra)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      return try CheckCommandTests.json(json)
    }
    let dense = try check([], "dense.json"), streamed = try check(["--streaming"], "streamed.json")
    #expect(streamed["mode"] as? String == "streaming")
    #expect(streamed["verdict"] as? String == dense["verdict"] as? String)
    func lpK(_ record: [String: Any]?) -> Double? { (record?["lpK"] as? [String: Any])?["value"] as? Double }
    let a = try #require(lpK(dense)), b = try #require(lpK(streamed))
    #expect(abs(a - b) <= 1e-6 * max(1, abs(a)), "LP-K in memory \(a), streaming \(b)")
    let denseView = dense["encoderCodes"] as? [String: Any], streamedView = streamed["encoderCodes"] as? [String: Any]
    #expect(streamedView?["verdict"] as? String == denseView?["verdict"] as? String)
    let c = try #require(lpK(["lpK": ["value": denseView?["lpK"] as Any]])), e = try #require(lpK(["lpK": ["value": streamedView?["lpK"] as Any]]))
    #expect(abs(c - e) <= 1e-6 * max(1, abs(c)), "own codes: LP-K in memory \(c), streaming \(e)")
    #expect(streamedView?["failingPairs"] as? Int == denseView?["failingPairs"] as? Int)
  }
}
