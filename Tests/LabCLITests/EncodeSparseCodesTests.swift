import Foundation
import LabFormats
import LabNumerics
import LabTestSupport
import Testing

/// `lab encode --codes-out` by extension: dense `.npy`, SciPy CSR `.npz`, or no file at all.
@Suite("lab encode codes formats", .serialized)
struct EncodeSparseCodesTests {
  @Test("Z.npz holds the CSR of the codes Z.npy holds; without --codes-out only the JSON line; another extension exits 2 naming the option")
  func formats() throws {
    let directory = try EncodeCommandTests.fixture()
    let path = { (name: String) in directory.appendingPathComponent(name).path }
    let dense = try EncodeCommandTests.encode(directory, ["--lambda", "0.1", "--bias", path("b.npy")], out: "Z.npy")
    let sparse = try EncodeCommandTests.encode(directory, ["--lambda", "0.1", "--bias", path("b.npy")], out: "Z.npz")
    #expect(dense.status == 0 && sparse.status == 0, "\(dense.stderr) \(sparse.stderr)")
    #expect(sparse.stdout.contains("\"codesFormat\":\"csr\"") && dense.stdout.contains("\"codesFormat\":\"dense\""))
    let codes: Matrix<Double> = try NumPyArray(contentsOf: path("Z.npy")).matrix(path: path("Z.npy"), role: "codes")
    let expected = try CompressedSparseRows(codes).npz(path: "Z.npz")
    #expect(FileManager.default.contents(atPath: path("Z.npz")) == expected)
    #expect(expected.count < codes.storage.count * 8, "the codes are sparse: CSR is smaller than dense")

    let none = try LabExecutable.run(["encode", "--data", path("X.npy"), "--dictionary", path("D.npy"), "--lambda", "0.1"])
    #expect(none.status == 0 && none.stdout.contains("\"meanL0\"") && !none.stdout.contains("\"out\""), "\(none.stderr)")

    let text = try EncodeCommandTests.encode(directory, ["--lambda", "0.1"], out: "Z.txt")
    #expect(text.status == 2 && text.stderr.contains("'--codes-out'") && !FileManager.default.fileExists(atPath: path("Z.txt")), "\(text.stderr)")
  }
}
