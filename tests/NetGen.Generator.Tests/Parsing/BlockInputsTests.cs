using NetGen.Generator.Model;
using NetGen.Generator.Tests.Analysis;
using Xunit;

namespace NetGen.Generator.Tests.Parsing;

/// <summary>Blocks that take several nodes (<c>block up(x, skip, filters)</c>) and read a node's channels (<c>channels(in)</c>).</summary>
public class BlockInputsTests
{
    private const string UNet = """
        block up(x, skip, filters) {
            u = x -> upsample(2) -> conv2d(filters, 1)
            out = concat(u, skip) -> conv2d(filters, 3, padding: same) -> relu
        }
        block decoder(deep, shallow) {
            up(deep, shallow, 8)                      # node parameters passed on
        }
        network U {
            input 3x16x16
            e1 = conv2d(8, 3, padding: same) -> relu
            e2 = maxpool2d(2) -> conv2d(16, 3, padding: same) -> relu
            d1 = up(e2, e1, 8)
            d2 = decoder(e2, later)                    # a node declared after
            later = e1 -> conv2d(4, 1)
            out = concat(d1, d2)
        }
        """;

    [Fact]
    public void A_block_takes_nodes_as_parameters()
    {
        var net = Cnn.Network(UNet);
        Assert.Equal(new[] { "d1.u", "e1" }, Cnn.Inputs(net, "d1.concat_1"));
        Assert.Equal(new[] { "e2" }, Cnn.Inputs(net, "d1.upsample_1"));
        Assert.Equal(new[] { "d2.up_1.u", "later" }, Cnn.Inputs(net, "d2.up_1.concat_1"));
        Assert.Equal(new[] { "e2" }, Cnn.Inputs(net, "d2.up_1.upsample_1"));
        Assert.Equal(new[] { "d1.out", "d2.up_1.out" }, Cnn.Inputs(net, "out"));
        var a = TestIr.Analyze(net);
        Assert.Equal(Shape.Chw(16, 16, 16), a.OutputShape);
    }

    [Fact]
    public void A_node_given_where_a_number_is_expected_is_named_in_the_error()
    {
        Cnn.Diagnostics("""
            block b(x, filters) {
                conv2d(filters, 1)
            }
            network N {
                input 3x8x8
                e = conv2d(4, 1)
                b(e, e)
            }
            """,
            "(2,12) NG0004: Argument 'filters' of 'conv2d' is the node 'e'; it must be a positive integer");
    }

    private const string MobileNet = """
        block inverted(cout, t, stride = 1) {
            e = in -> conv2d(channels(in) * t, 1, bias: false) -> batchnorm -> relu6
            d = e -> depthwise_conv2d(3, stride: stride, padding: 1, bias: false) -> batchnorm -> relu6
            out = d -> conv2d(cout, 1, bias: false) -> batchnorm
        }
        network M {
            input 3x32x32
            stem = conv2d(32, 3, stride: 2, padding: 1, bias: false) -> batchnorm -> relu6
            b1 = inverted(16, 1)
            b2 = inverted(24, 6, stride: 2) * 2
            head = global_avgpool -> dense(channels(b2) * 2)
        }
        """;

    [Fact]
    public void Channels_reads_a_node_s_channel_count_where_the_block_is_used()
    {
        var net = Cnn.Network(MobileNet);
        Assert.Equal(32, Cnn.Node(net, "b1.conv2d_1").Args.Filters);       // 32 x 1
        Assert.Equal(16 * 6, Cnn.Node(net, "b2.0.conv2d_1").Args.Filters);  // b1's 16 x 6
        Assert.Equal(24 * 6, Cnn.Node(net, "b2.1.conv2d_1").Args.Filters);  // b2.0's 24 x 6
        Assert.Equal(48, Cnn.Node(net, "head").Args.Units);                  // b2's 24 x 2, a vector's features
        Assert.Equal(Shape.Vector(48), TestIr.Analyze(net).OutputShape);
    }

    [Fact]
    public void Channels_of_the_input_and_of_a_vector()
    {
        var net = Cnn.Network("network N {\n input 20\n a = dense(channels(input) + 1)\n b = dense(channels(a) * 2)\n}");
        Assert.Equal((21, 42), (Cnn.Node(net, "a").Args.Units, Cnn.Node(net, "b").Args.Units));
    }

    [Fact]
    public void Channels_of_a_node_not_known_yet_is_an_error_at_its_name()
    {
        Cnn.Diagnostics("""
            network N {
                input 3x8x8
                a = conv2d(channels(b), 1)
                b = conv2d(4, 1)
            }
            """,
            "(3,25) NG0004: Argument 'filters' of 'conv2d' is channels(b); it must be the channels of a node declared before it ('b' is declared later)");
        Cnn.Diagnostics("""
            network N {
                input 3x8x8
                a = conv2d(4, 9)
                b = conv2d(channels(a), 1)
            }
            """,
            "(4,25) NG0004: Argument 'filters' of 'conv2d' is channels(a), which is not known: " +
            "'a': kernel 9x9 is larger than its padded input 8x8 (input shape (3, 8, 8)); it must be the channels of a node whose shape is known");
        Cnn.Diagnostics("""
            network N {
                input 3x8x8
                a = conv2d(channels(nowhere), 1)
            }
            """,
            "(3,25) NG0005: 'conv2d' refers to 'nowhere', which is not a node of this network");
    }

    [Fact]
    public void Channels_is_not_known_in_a_default_or_a_setting()
    {
        Cnn.Diagnostics("""
            block b(f = channels(in)) {
                conv2d(f, 1)
            }
            network N {
                input 3x8x8
                b()
            }
            """,
            "(1,13) NG0004: Argument 'f' of 'b' is channels(in); it must be a value known before the network's nodes are (channels() is known in a statement's arguments, not in a setting or a parameter's default)");
    }
}
