import Foundation
import LabTestSupport
import Testing

/// `lab bench train --whole-process`: what it refuses before any run starts (exit 2, one line).
@Suite("lab bench train --whole-process", .serialized)
struct BenchTrainCommandTests {
  @Test("--whole-process times W3 small's model only: with --arch or another --config it is refused, naming the options")
  func otherWorkloads() throws {
    for extra in [["--arch", "jumprelu"], ["--config", "synth"]] {
      let result = try LabExecutable.run(["bench", "train", "--whole-process"] + extra)
      #expect(result.status == 2 && result.stderr.contains("'--whole-process' runs W3 small's model: drop '--arch' and '--config'"), "\(result.stderr)")
      #expect(result.stderr.split(separator: "\n").count == 1)
    }
  }

  @Test("--whole-process without the bench data names the missing file")
  func missingData() throws {
    let directory = try Scratch.directory()
    let result = try LabExecutable.run(["bench", "train", "--whole-process", "--data-dir", directory.path])
    #expect(result.status == 2 && result.stderr.contains("\(directory.path)/independent_X.npy does not exist"), "\(result.stderr)")
    #expect(result.stderr.split(separator: "\n").count == 1)
  }
}
