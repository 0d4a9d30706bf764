import Foundation
import LabFormats
import LabNumerics
import LabSolvers
import LabTestSupport
import Testing

@testable import lab

/// Issue 19 item 6: `lab encode` codes X a block of rows at a time from a memory map; the codes
/// and every figure of the summary are bit for bit those of one pass over all rows.
@Suite("lab encode streams X in blocks")
struct EncodeStreamTests {
  /// X (1200 × 4, float32) and D (6 × 4) of the encode fixture.
  static func files() throws -> (data: String, dictionary: String, bias: String) {
    let directory = try EncodeCommandTests.fixture()
    let path = { (name: String) in directory.appendingPathComponent(name).path }
    let samples = (0..<4800).map { index in sin(Double(index) * 0.37) + 0.3 * cos(Double(index * index % 89)) }
    try EncodeCommandTests.npy(samples, shape: [1200, 4], float32: true).write(to: URL(fileURLWithPath: path("big.npy")))
    return (path("big.npy"), path("D.npy"), path("b.npy"))
  }

  @Test("Blocks of 256, 512 or 1024 rows give the codes and the measure of one block of all 1200", arguments: [
    (SparseEncoder.Method.activeSet, CodeConstraint.nonnegative), (.coordinateDescent, .signed), (.fista, .nonnegative), (.threshold, .signed),
  ])
  func blocksAgree(_ method: SparseEncoder.Method, _ constraint: CodeConstraint) throws {
    let files = try Self.files()
    let input = try EncodeInput.open(data: files.data, dictionary: files.dictionary, bias: files.bias)
    let configuration = try SparseEncoder.Configuration(method: method, lambda: 0.05, constraint: constraint, threads: 2)
    let encoder = try SparseEncoder(dictionary: input.dictionary, configuration: configuration)
    func run(_ blockRows: Int) throws -> (codes: [Double], totals: EncodeStream.Totals, blocks: Int) {
      var codes: [Double] = [], blocks = 0
      let totals = try EncodeStream.run(input.samples, encoder: encoder, dictionary: input.dictionary, bias: input.bias, blockRows: blockRows) { block, nonzeros in
        #expect(nonzeros == NonzeroPattern(block), "the measure's nonzero pattern is the codes' own")
        codes += block.storage
        blocks += 1
      }
      return (codes, totals, blocks)
    }
    let whole = try run(1200)
    #expect(whole.blocks == 1 && whole.codes.count == 1200 * 6)
    for blockRows in [256, 512, 1024] {
      let streamed = try run(blockRows)
      #expect(streamed.blocks == (1200 + blockRows - 1) / blockRows)
      #expect(streamed.codes == whole.codes, "\(blockRows)")
      #expect(streamed.totals.optimality == whole.totals.optimality, "\(blockRows)")
      #expect(streamed.totals.referenceFallbacks == whole.totals.referenceFallbacks
        && streamed.totals.unconvergedPoints == whole.totals.unconvergedPoints)
    }
    // And the whole measure is the in-memory one of lab bench encode.
    let loaded = try EncodeInput.load(data: files.data, dictionary: files.dictionary, bias: files.bias)
    let direct = CodeOptimality(samples: loaded.samples, dictionary: loaded.dictionary, bias: loaded.bias,
                                codes: Matrix(rows: 1200, columns: 6, storage: whole.codes), lambda: 0.05, constraint: constraint)
    #expect(direct == whole.totals.optimality)
  }

  @Test("A block's rows are read in the file's order, C or Fortran, and a non-finite element names its row in the whole file")
  func reader() throws {
    let directory = try Scratch.directory()
    let values = (0..<12).map(Double.init)
    var fortran = NumPyArray(shape: [4, 3], elementType: .float64, values: values).encoded
    // The same bytes with the header saying Fortran order: element (r, c) is value c·4 + r.
    let flag = try #require(fortran.range(of: Data("'fortran_order': False".utf8)))
    fortran.replaceSubrange(flag, with: Data("'fortran_order': True ".utf8))
    try fortran.write(to: directory.appendingPathComponent("f.npy"))
    let reader = try NumPyRowReader(path: directory.appendingPathComponent("f.npy").path, role: "X")
    #expect(try reader.rows(1..<3).storage == [1, 5, 9, 2, 6, 10])
    var bad = values
    bad[7] = .nan
    try NumPyArray(shape: [4, 3], elementType: .float32, values: bad).encoded.write(to: directory.appendingPathComponent("nan.npy"))
    let nan = try NumPyRowReader(path: directory.appendingPathComponent("nan.npy").path, role: "X")
    #expect(try nan.rows(0..<2).rows == 2)
    #expect(throws: FormatError.self) { try nan.rows(2..<4) }
    do { _ = try nan.rows(2..<4) } catch { #expect("\(error)".contains("element at row 2, column 1 is nan"), "\(error)") }
  }

  @Test("A valid X.npy of 800 GB is opened, not read: lab encode goes on to check the dictionary against it, allocating nothing")
  func hugeFile() throws {
    let directory = try MemoryLimitTests.world()
    try MemoryLimitTests.sparseArray(directory.appendingPathComponent("big.npy"), rows: 10_000_000, columns: 10_000)
    let result = try LabExecutable.run(["encode", "--data", "big.npy", "--dictionary", "w/dictionary.npy", "--lambda", "0.1", "--codes-out", "z.npy"],
                                       in: directory)
    #expect(result.status == 2, "\(result.stderr)")
    #expect(result.stderr == "error: w/dictionary.npy: the dictionary D (K × m) has shape (9, 12) but the data X in big.npy has m = 10000 columns\n",
            "\(result.stderr)")
    #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("z.npy").path))
  }

  @Test("Blocks keep their codes within 2 MB and the block within 32 MB, with an encoder block per worker, a multiple of the encoder's block, at most N; exact-l1 takes one block")
  func blockRows() {
    for threads in [1, 2] {
      #expect(EncodeStream.blockRows(points: 20_000, dimension: 64, atoms: 256, threads: threads, method: .activeSet) == 1024)
      #expect(EncodeStream.blockRows(points: 1000, dimension: 64, atoms: 256, threads: threads, method: .activeSet) == 1000)
    }
    #expect(EncodeStream.blockRows(points: 20_000, dimension: 64, atoms: 256, threads: 8, method: .activeSet) == 2048)
    #expect(EncodeStream.blockRows(points: 20_000, dimension: 64, atoms: 64, threads: 1, method: .activeSet) == 4096)
    for threads in [1, 2, 4] {
      let rows = EncodeStream.blockRows(points: 10_000_000, dimension: 768, atoms: 4096, threads: threads, method: .activeSet)
      #expect(rows == SparseEncoder.blockSize * threads, "\(threads) threads: \(rows) rows")
    }
    #expect(EncodeStream.blockRows(points: 10_000_000, dimension: 16, atoms: 16, threads: 1, method: .activeSet) * 16 * 8
            == EncodeStream.cachedCodeBytes)
    // 16,384 atoms in 768 dimensions: 405 KB a row, so 256 MB hold 2 encoder blocks, whatever the thread count.
    for threads in [1, 2, 64] {
      #expect(EncodeStream.blockRows(points: 10_000_000, dimension: 768, atoms: 16_384, threads: threads, method: .activeSet)
              == SparseEncoder.blockSize * min(threads, 2))
    }
    #expect(EncodeStream.blockRows(points: 10, dimension: 1 << 20, atoms: 1 << 20, threads: 2, method: .activeSet) == 10)
    #expect(EncodeStream.blockRows(points: 10, dimension: 1 << 20, atoms: 1 << 20, threads: 2, method: .coordinateDescent) == 10)
    #expect(EncodeStream.blockRows(points: 5_000_000, dimension: 64, atoms: 256, threads: 2, method: .exactL1) == 5_000_000)
  }
}
