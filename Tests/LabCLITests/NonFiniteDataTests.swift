import Foundation
import LabFormats
import Testing
import LabTestSupport

/// Non-finite values in the data of every command that reads `.npy` data are bad input: exit 2,
/// a message naming the file, row and column, and nothing written.
@Suite("Non-finite data", .serialized)
struct NonFiniteDataTests {
  @Test("check, encode, learn and train reject NaN and ±∞ in X naming the row and column")
  func rejected() throws {
    let directory = try Scratch.directory()
    func write(_ name: String, _ values: [Double], shape: [Int]) throws -> String {
      let path = directory.appendingPathComponent(name).path
      try NumPyArray(shape: shape, elementType: .float64, values: values).encoded.write(to: URL(fileURLWithPath: path))
      return path
    }
    let d = try write("D.npy", [1, 0, 0, 0, 1, 0], shape: [2, 3])
    for (row, column, value) in [(0, 0, Double.nan), (4, 2, .infinity), (2, 1, -.infinity)] {
      var x = (0..<15).map { Double($0 % 4) * 0.5 }
      x[row * 3 + column] = value
      let data = try write("X-\(row)-\(column).npy", x, shape: [5, 3])
      let out = directory.appendingPathComponent("out-\(row)").path, codes = directory.appendingPathComponent("Z-\(row).npy").path
      let commands: [[String]] = [
        ["check", "--data", data, "--dictionary", d, "--lambda", "0.1"],
        ["encode", "--data", data, "--dictionary", d, "--lambda", "0.1", "--codes-out", codes],
        ["learn", "--data", data, "--atoms", "2", "--lambda", "0.1", "--out", out],
        ["train", "--data", data, "--arch", "relu-l1", "--width", "4", "--l1", "1", "--batch", "2", "--steps", "1", "--lr", "0.001", "--out", out],
      ]
      for command in commands {
        let result = try LabExecutable.run(command)
        #expect(result.status == 2, "\(command[0]): \(result.stderr)")
        #expect(result.stderr.contains("\(data): element at row \(row), column \(column) is \(value)"), "\(command[0]): \(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out) && !FileManager.default.fileExists(atPath: codes), "\(command[0]) wrote a file")
      }
    }
  }
}
