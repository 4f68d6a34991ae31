// A mutable global whose size the pass does not compute.
module {
  llvm.mlir.global private @state() {addr_space = 0 : i32} : !llvm.struct<(ptr, i64)>
  llvm.func @use(!llvm.ptr)
  llvm.func @step() {
    %0 = llvm.mlir.addressof @state : !llvm.ptr
    llvm.call @use(%0) : (!llvm.ptr) -> ()
    llvm.return
  }
}
