namespace NetGen.Generator.Tests.Parsing;

/// <summary>Valid .cnn texts the parser tests start from (and the fuzz test mutates).</summary>
internal static class CnnSamples
{
    public const string ThreeConv = """
        # The textbook exercise: three strided 3x3 convolutions.
        namespace Samples.Exercises

        network ThreeConv {
            input 3x200x300
            batch 50
            optimizer adam
            conv1 = conv2d(100, 3, stride: 2, padding: same)
            conv2 = conv2d(200, 3, stride: 2, padding: same)
            conv3 = conv2d(400, 3, stride: 2, padding: same)
        }
        """;

    /// <summary>ResNet-18 as torchvision builds it: basic blocks, a projection shortcut where the stage downsamples.</summary>
    public const string ResNet18 = """
        namespace Samples.Vision

        block basic(filters) {
            a = in -> conv1: conv2d(filters, 3, padding: 1, bias: false) -> bn1: batchnorm -> relu
            b = a -> conv2: conv2d(filters, 3, padding: 1, bias: false) -> bn2: batchnorm
            out = add(b, in) -> relu
        }

        block down(filters, stride = 2) {
            a = in -> conv1: conv2d(filters, 3, stride: stride, padding: 1, bias: false) -> bn1: batchnorm -> relu
            b = a -> conv2: conv2d(filters, 3, padding: 1, bias: false) -> bn2: batchnorm
            skip = in -> downsample: conv2d(filters, 1, stride: stride, bias: false) -> batchnorm
            out = add(b, skip) -> relu
        }

        network ResNet18 {
            input 3x224x224
            batch 64
            optimizer sgd
            budget params 12M
            budget training 8GiB

            conv1: conv2d(64, 7, stride: 2, padding: 3, bias: false) -> bn1: batchnorm -> relu
            maxpool: maxpool2d(3, stride: 2, padding: 1)
            layer1 = basic(64) * 2
            layer2 = down(128) -> basic(128)
            layer3 = down(256) -> basic(256)
            layer4 = down(512) -> basic(512)
            avgpool: global_avgpool
            fc: dense(1000)
        }
        """;

    public const string Inception = """
        block inception(c1, c3r, c3, c5r, c5, pool) {
            b1 = in -> conv2d(c1, 1, activation: relu)
            b2 = in -> conv2d(c3r, 1, activation: relu) -> conv2d(c3, 3, padding: same, activation: relu)
            b3 = in -> conv2d(c5r, 1, activation: relu) -> conv2d(c5, 5, padding: same, activation: relu)
            b4 = in -> maxpool2d(3, stride: 1, padding: same) -> conv2d(pool, 1, activation: relu)
            out = concat(b1, b2, b3, b4)
        }

        network MiniGoogLeNet {
            input 3x32x32
            stem = conv2d(192, 3, padding: 1) -> batchnorm -> relu
            a3: inception(64, 96, 128, 16, 32, 32)
            b3: inception(128, 128, 192, 32, 96, 64)
            maxpool2d(3, stride: 2, padding: 1, ceil: true)
            global_avgpool -> dropout(0.4) -> dense(10) -> softmax
        }
        """;

    public const string SqueezeExcitation = """
        // Squeeze-and-excitation on a small residual stack.
        block se(channels, ratio = 16) {
            gate = in -> global_avgpool -> dense(channels / ratio, activation: relu) -> dense(channels, activation: sigmoid)
            out = multiply(in, gate)
        }

        block se_res(channels) {
            r = in -> conv2d(channels, 3, padding: same) -> batchnorm -> relu -> conv2d(channels, 3, padding: same) -> batchnorm
            s = r -> se(channels)
            out = add(s, in) -> relu
        }

        network SENet {
            input 3x64x64
            batch 128
            budget inference 64MB
            stem = conv2d(64, 3, padding: 1) -> relu
            body = se_res(64) * 3
            head = body -> global_avgpool -> dense(100, activation: softmax)
            aux = stem -> upsample(2, mode: bilinear) -> conv2d_transpose(8, 4, stride: 2, padding: 1) -> leaky_relu(alpha: 0.1)
            output head
        }
        """;

    public static readonly string[] All = { ThreeConv, ResNet18, Inception, SqueezeExcitation };
}
