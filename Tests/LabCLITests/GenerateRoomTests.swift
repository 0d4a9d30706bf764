import Foundation
import LabFormats
import LabTestSupport
import Testing

@testable import lab

/// Issue 19 item 2: `lab generate` refuses, before any sample is drawn, an output larger than the
/// free disk of its file system or a run holding more than the available memory. The free space is
/// injected (a stubbed provider), so no test needs a full disk.
@Suite("lab generate checks the room for its output")
struct GenerateRoomTests {
  /// 1000 samples of 50 features in dimension 10.
  static func room(_ codes: CodesFormat?, precision: NumPyArray.ElementType = .float32, entries: Double = 3) -> GenerateRoom {
    GenerateRoom(count: 1000, features: 50, dimension: 10, precision: precision, codes: codes, entriesPerSample: entries, batchSize: 100,
                 groundTruth: true)
  }

  @Test("The files' sizes are the .npy headers plus N·m, N·F, F·m and m elements; sparse codes are the CSR bound for the expected entries")
  func sizes() {
    let header = 128
    #expect(Self.room(.dense).diskBytes == (header + 1000 * 10 * 4) + (header + 1000 * 50 * 4) + (header + 50 * 10 * 4) + (header + 10 * 4))
    #expect(Self.room(.dense, precision: .float64).diskBytes
      == (header + 1000 * 10 * 8) + (header + 1000 * 50 * 8) + (header + 50 * 10 * 8) + (header + 10 * 8))
    #expect(Self.room(nil).diskBytes == (header + 1000 * 10 * 4) + (header + 50 * 10 * 4) + (header + 10 * 4))
    #expect(Self.room(.sparse).diskBytes
      == (header + 1000 * 10 * 4) + CompressedSparseRows.encodedSize(rows: 1000, storedEntries: 3000) + (header + 50 * 10 * 4) + (header + 10 * 4))
  }

  @Test("An output larger than the free disk is refused in one line naming the option, the sizes and the free amount; one that fits is not")
  func disk() throws {
    let room = Self.room(.dense)
    let needed = try #require(room.diskBytes)
    let problem = try #require(room.problem(option: "--out", directory: "world", freeDisk: { _ in needed - 1 }, availableMemory: Int.max))
    #expect(problem.hasPrefix("'--out' world: the output needs about 243 kB on disk (X.npy 40.1 kB, codes.npy 200 kB"), "\(problem)")
    #expect(problem.contains("its file system has 243 kB free") && !problem.contains("\n"), "\(problem)")
    #expect(room.problem(option: "--out", directory: "world", freeDisk: { _ in needed }, availableMemory: Int.max) == nil)
    // The provider is asked about the output directory itself.
    var asked: [String] = []
    _ = room.problem(option: "--out", directory: "a/b", freeDisk: { asked.append($0); return nil }, availableMemory: Int.max)
    #expect(asked == ["a/b"])
  }

  @Test("A run holding more than the available memory is refused with the memory it needs; sparse codes are held, dense ones streamed")
  func memory() throws {
    let sparse = Self.room(.sparse, entries: 40), dense = Self.room(.dense)
    let held = try #require(sparse.memory), streamed = try #require(dense.memory)
    #expect(held > streamed)
    let problem = try #require(sparse.problem(option: "--out", directory: "w", freeDisk: { _ in Int.max }, availableMemory: held - 1))
    #expect(problem.hasPrefix("'--out' w: generating 1000 samples (X.npy 40.1 kB, codes.npz about") && problem.contains("of memory; the machine has"),
            "\(problem)")
    #expect(sparse.problem(option: "--out", directory: "w", freeDisk: { _ in Int.max }, availableMemory: held) == nil)
    #expect(dense.problem(option: "--out", directory: "w", freeDisk: { _ in Int.max }, availableMemory: held - 1) == nil)
  }

  @Test("Sizes past Int are refused, never wrapped")
  func overflow() {
    let room = GenerateRoom(count: 100_000_000, features: Int.max / 2, dimension: 10, precision: .float64, codes: .dense, entriesPerSample: 0,
                            batchSize: 1024, groundTruth: false)
    #expect(room.diskBytes == nil)
    #expect(room.problem(option: "--out", directory: "w", freeDisk: { _ in Int.max }, availableMemory: Int.max)?.contains("more than") == true)
  }

  @Test("The free space of a path that does not exist yet is its nearest existing ancestor's")
  func fileSystemSpace() throws {
    let directory = try Scratch.directory()
    let here = try #require(FileSystemSpace.availableBytes(near: directory.path))
    let deeper = try #require(FileSystemSpace.availableBytes(near: directory.appendingPathComponent("not/yet/there").path))
    #expect(here > 0 && abs(here - deeper) < 1 << 30)
  }

  @Test("lab generate refuses a 16k-feature world of 10⁸ float64 samples (about 14 TB) before drawing, writing nothing")
  func endToEnd() throws {
    let directory = try Scratch.directory()
    let result = try LabExecutable.run(["generate", "synth-sae-bench-16k", "--samples", "100000000", "--precision", "float64", "--out", "g"],
                                       in: directory)
    #expect(result.status == 2, "\(result.stderr)")
    #expect(result.stderr.contains("'--out' g: the output needs about 1") && result.stderr.contains("TB on disk")
      && result.stderr.contains("free"), "\(result.stderr)")
    #expect(result.stderr.filter { $0 == "\n" }.count == 1, "\(result.stderr)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
  }
}
