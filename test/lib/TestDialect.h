//===- TestDialect.h - the alex_test dialect of trait tests -----*- C++ -*-===//

#ifndef ALEX_TEST_LIB_TESTDIALECT_H
#define ALEX_TEST_LIB_TESTDIALECT_H

#include "dialect/AlexTraits.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "test/lib/TestDialect.h.inc"

#define GET_OP_CLASSES
#include "test/lib/TestOps.h.inc"

#endif // ALEX_TEST_LIB_TESTDIALECT_H
