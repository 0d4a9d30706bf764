import LabOptimization
import Testing

@Suite struct LinearProgramTests {
  @Test("Bounds shorthands mean what they say")
  func boundsShorthands() {
    #expect(LinearProgram.Bounds.free == .init(lower: -.infinity, upper: .infinity))
    #expect(LinearProgram.Bounds.nonnegative == .init(lower: 0, upper: .infinity))
    #expect(LinearProgram.Bounds.fixed(2) == .init(lower: 2, upper: 2))
    #expect(LinearProgram.Bounds.between(-1, 3) == .init(lower: -1, upper: 3))
    #expect(LinearProgram.Bounds.atLeast(4) == .init(lower: 4, upper: .infinity))
    #expect(LinearProgram.Bounds.atMost(5) == .init(lower: -.infinity, upper: 5))
  }

  @Test("Columns and rows get consecutive indices")
  func indices() {
    var program = LinearProgram(direction: .maximize)
    #expect(program.addColumn(bounds: .nonnegative, cost: 1) == 0)
    #expect(program.addColumns(count: 3, bounds: .free, cost: -2) == 1..<4)
    #expect(program.addColumns(count: 0, bounds: .free, cost: 0) == 4..<4)
    #expect(program.addRow([(0, 1)], bounds: .atMost(1)) == 0)
    #expect(program.addRow([], bounds: .free) == 1)
    #expect(program.columnCount == 4)
    #expect(program.rowCount == 2)
    #expect(program.objective == [1, -2, -2, -2])
    #expect(program.direction == .maximize)
  }

  @Test("Setters replace one column's bounds and cost")
  func setters() {
    var program = LinearProgram()
    program.addColumns(count: 2, bounds: .nonnegative, cost: 1)
    program.setColumnBounds(1, .between(-1, 1))
    program.setCost(0, 7)
    #expect(program.columnBounds == [.nonnegative, .between(-1, 1)])
    #expect(program.objective == [7, 1])
  }

  @Test("addRow sums repeated columns and drops exact zeros")
  func addRowMergesDuplicates() {
    var program = LinearProgram()
    program.addColumns(count: 4, bounds: .nonnegative, cost: 0)
    program.addRow([(2, 1), (0, 2), (2, 3), (1, 0), (3, 1.5), (3, -1.5)], bounds: .atMost(1))
    program.addRow([(2, -1)], bounds: .atLeast(0))
    #expect(program.entries.map(\.row) == [0, 0, 1])
    #expect(program.entries.map(\.column) == [2, 0, 2])
    #expect(program.entries.map(\.value) == [4, 2, -1])
    #expect(throws: Never.self) { try program.validate() }
  }

  @Test("Repeated columns in one row are solved as their sum")
  func repeatedColumnsAreSummed() throws {
    var program = LinearProgram(direction: .maximize)
    program.addColumn(bounds: .nonnegative, cost: 1)
    program.addRow([(0, 1), (0, 1)], bounds: .atMost(2))
    let result = try GLPK.solveVerified(program)
    #expect(result.solution.primal == [1])
    #expect(result.verification.verified)
  }
}
