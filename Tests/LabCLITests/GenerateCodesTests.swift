import Foundation
import LabFormats
import LabNumerics
import LabTestSupport
import Testing

/// `lab generate --codes dense|sparse|none`.
@Suite("lab generate codes formats", .serialized)
struct GenerateCodesTests {
  @Test("--codes sparse writes codes.npz holding the CSR of what --codes dense writes as codes.npy; none writes no codes; X.npy is the same bytes")
  func formats() throws {
    let directory = try Scratch.directory()
    func generate(_ codes: String, _ extra: [String] = []) throws -> URL {
      let out = directory.appendingPathComponent(codes)
      let result = try LabExecutable.run(["generate", "tree", "--samples", "700", "--seed", "4", "--codes", codes, "--out", out.path, "--quiet"] + extra)
      #expect(result.status == 0, "\(result.stderr)")
      return out
    }
    let dense = try generate("dense"), sparse = try generate("sparse"), none = try generate("none")
    func contents(_ directory: URL, _ name: String) -> Data? { FileManager.default.contents(atPath: directory.appendingPathComponent(name).path) }
    let codesPath = dense.appendingPathComponent("codes.npy").path
    let codes: Matrix<Double> = try NumPyArray(contentsOf: codesPath).matrix(path: codesPath, role: "codes")
    #expect(contents(sparse, "codes.npz") == (try CompressedSparseRows(codes).npz(path: "codes.npz")))
    #expect(contents(sparse, "codes.npy") == nil && contents(none, "codes.npy") == nil && contents(none, "codes.npz") == nil)
    #expect(contents(dense, "X.npy") == contents(sparse, "X.npy") && contents(dense, "X.npy") == contents(none, "X.npy"))
    let world = try #require(try JSONSerialization.jsonObject(with: contents(sparse, "world.json") ?? Data()) as? [String: Any])
    #expect((world["files"] as? [String: Any])?["codes.npz"] != nil)
    let bad = try LabExecutable.run(["generate", "tree", "--codes", "csr", "--out", directory.appendingPathComponent("bad").path])
    #expect(bad.status == 2 && bad.stderr.contains("--codes"), "\(bad.stderr)")
  }
}
