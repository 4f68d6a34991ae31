//===- TestDialect.cpp - registration of the alex_test dialect ------------===//

#include "test/lib/TestDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

#include "test/lib/TestDialect.cpp.inc"

#define GET_OP_CLASSES
#include "test/lib/TestOps.cpp.inc"

void alex::test::AlexTestDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "test/lib/TestOps.cpp.inc"
      >();
}
