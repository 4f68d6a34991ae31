// A mutable global with an initial value: no pass may move it to memory
// that starts zeroed.
module {
  llvm.mlir.global private @seed(42 : i64) : i64
  llvm.func @use(!llvm.ptr)
  llvm.func @step() {
    %0 = llvm.mlir.addressof @seed : !llvm.ptr
    llvm.call @use(%0) : (!llvm.ptr) -> ()
    llvm.return
  }
}
