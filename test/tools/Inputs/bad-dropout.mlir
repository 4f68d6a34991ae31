func.func @f(%x: tensor<2x4xf32>) {
  %y = alex.dropout %x rate 2.0 : tensor<2x4xf32>
  return
}
